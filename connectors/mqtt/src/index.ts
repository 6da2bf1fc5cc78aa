/**
 * The MQTT connector: flows started by messages of the tenant's devices, and commands sent back to them.
 * Devices publish on `t/{tenant}/d/{device}/up/{channel}` and receive on `t/{tenant}/d/{device}/down/{channel}`;
 * the MQTT app stores each message and asks `deviceMessage.matches` which flows it starts. Commands go through
 * the platform (`ctx.devices`), which queues them inside the run's tenant, so a flow can only ever reach its
 * own tenant's devices.
 */
import { ConnectorError, defineAction, defineConnector, defineTrigger, z, type DeviceMessageEvent } from '@conflux/connector-sdk';

const LEVEL = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;

/** Whether `filter` is a valid MQTT topic filter: `+` fills a whole level, `#` only as the whole last level. */
export function isTopicFilter(filter: string): boolean {
  if (!filter || filter.length > 256) return false;
  const levels = filter.split('/');
  return levels.every((level, index) => {
    if (level === '#') return index === levels.length - 1;
    if (level === '+') return true;
    return level.length > 0 && !level.includes('+') && !level.includes('#');
  });
}

/** MQTT topic matching: `+` matches one level, `#` the rest (including none). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Whether `channel` is a valid channel: one to eight levels of letters, digits, `_`, `.` and `-`, none starting with a dot. */
export function isChannel(channel: string): boolean {
  const levels = channel.split('/');
  return channel.length <= 200 && levels.length <= 8 && levels.every((level) => LEVEL.test(level));
}

const deviceMessageProps = z.object({
  topicFilter: z
    .string()
    .trim()
    .default('t/+/d/+/up/#')
    .refine(isTopicFilter, 'Use an MQTT topic filter: + for one level, # only at the end, e.g. t/+/d/+/up/temperature')
    .describe('MQTT topic filter on the device topic t/{tenant}/d/{device}/up/{channel}, e.g. t/+/d/+/up/temperature or t/+/d/+/up/alerts/#.'),
  deviceId: z.uuid().optional().describe('Only messages of this device (its id, shown on the device page).'),
  tag: z.string().trim().min(1).max(40).optional().describe('Only messages of devices with this tag, e.g. building-a.'),
});

/** The props of the `deviceMessage` trigger after parsing. */
export type DeviceMessageProps = z.output<typeof deviceMessageProps>;

/** Whether a device message starts a flow with these props. */
export function deviceMessageMatches(props: DeviceMessageProps, message: DeviceMessageEvent): boolean {
  if (props.deviceId && props.deviceId !== message.deviceId) return false;
  if (props.tag && !message.tags.includes(props.tag)) return false;
  return topicMatches(props.topicFilter ?? 't/+/d/+/up/#', message.topic);
}

const deviceMessage = defineTrigger({
  type: 'device_message',
  name: 'Device message',
  description: 'Starts the flow when one of your devices publishes a message whose topic matches the filter.',
  props: deviceMessageProps,
  sample: {
    deviceId: '6f1c2a9e-4b7d-4e21-9a57-1f0d3c8b2e44',
    deviceName: 'Boiler room sensor',
    deviceType: 'thermometer',
    tags: ['building-a'],
    topic: 't/0b6e7f9a-2c41-4d8e-b1a3-5e9f7c2d4a10/d/6f1c2a9e-4b7d-4e21-9a57-1f0d3c8b2e44/up/temperature',
    channel: 'temperature',
    payloadFormat: 'json',
    payload: { celsius: 81.5, at: '2026-03-02T09:15:00.000Z' },
    qos: 1,
    receivedAt: '2026-03-02T09:15:00.120Z',
    messageId: '184467',
  } satisfies DeviceMessageEvent,
  matches: deviceMessageMatches,
});

const sendCommandProps = z.object({
  deviceId: z.uuid().describe('The device to command (its id, shown on the device page), e.g. {{ trigger.deviceId }} to answer the sender.'),
  channel: z
    .string()
    .trim()
    .refine(isChannel, 'Channels are up to 8 levels of letters, digits, _ . and -, e.g. valve or config/interval')
    .describe('Channel: the command is published on t/{tenant}/d/{device}/down/{channel}, e.g. valve.'),
  payload: z.json().describe('The command: a JSON value (sent as JSON text) or a string (sent as is), e.g. { "open": false }.'),
  qos: z.union([z.literal(0), z.literal(1)]).default(1).describe('MQTT quality of service: 1 (at least once, default) or 0 (at most once).'),
});

const sendCommand = defineAction({
  name: 'Send command to device',
  description: 'Publishes a command to one of your devices on its down topic; a retried step sends it once.',
  props: sendCommandProps,
  sample: { commandId: '3d0f4c1b-8a2e-4f6d-9b7c-2e1a5d8f0c93', topic: 't/0b6e7f9a-2c41-4d8e-b1a3-5e9f7c2d4a10/d/6f1c2a9e-4b7d-4e21-9a57-1f0d3c8b2e44/down/valve', status: 'queued', duplicate: false },
  async run(ctx) {
    if (!ctx.devices) throw ConnectorError.permanent('Device commands are not available in this environment.');
    return ctx.devices.send({ deviceId: ctx.props.deviceId, channel: ctx.props.channel, payload: ctx.props.payload, qos: ctx.props.qos });
  },
});

const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"><rect x="7" y="7" width="10" height="10" rx="2"/><path d="M10 3v4M14 3v4M10 17v4M14 17v4M3 10h4M3 14h4M17 10h4M17 14h4"/></svg>';

export default defineConnector({
  id: 'mqtt',
  name: 'MQTT devices',
  version: '0.1.0',
  description: 'Start flows from your devices’ MQTT messages and send commands back to them.',
  categories: ['iot', 'core'],
  icon,
  auth: [{ kind: 'none' }],
  // Nothing goes out over HTTP: commands are queued through the platform and published by the MQTT app.
  egress: { hosts: [], none: true },
  actions: { sendCommand },
  triggers: { deviceMessage },
});
