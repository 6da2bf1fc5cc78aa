/**
 * The topic convention: a device publishes telemetry on `t/{tenantId}/d/{deviceId}/up/{channel}` and receives
 * commands on `t/{tenantId}/d/{deviceId}/down/{channel}`. A channel is one to eight levels of letters, digits,
 * `_`, `.` and `-`, not starting with a dot (e.g. `temperature`, `alerts/high`, `v1.2`). Brokers know no tenants: ids make topics unique.
 */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
// A level starts with a letter, digit, _ or - (so never `.` or `..`), then up to 63 of those and dots.
const LEVEL = '[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}';
const DEVICE_TOPIC = new RegExp(`^t/(${UUID})/d/(${UUID})/(up|down)/(${LEVEL}(?:/${LEVEL}){0,7})$`);
const CHANNEL = new RegExp(`^${LEVEL}(?:/${LEVEL}){0,7}$`);

/** Longest topic accepted (the prefix is 87 characters). */
export const MAX_TOPIC_LENGTH = 300;

/** A device topic taken apart. */
export interface DeviceTopic {
  tenantId: string;
  deviceId: string;
  direction: 'up' | 'down';
  channel: string;
}

/** Whether `channel` is a valid channel. */
export function isDeviceChannel(channel: string): boolean {
  return channel.length <= 200 && CHANNEL.test(channel);
}

/** `t/{tenant}/d/{device}/up/{channel}`. */
export function upTopic(tenantId: string, deviceId: string, channel: string): string {
  return `t/${tenantId}/d/${deviceId}/up/${channel}`;
}

/** `t/{tenant}/d/{device}/down/{channel}`. */
export function downTopic(tenantId: string, deviceId: string, channel: string): string {
  return `t/${tenantId}/d/${deviceId}/down/${channel}`;
}

/** The topic's tenant, device, direction and channel; null for anything outside the convention (ids lower-case). */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  if (typeof topic !== 'string' || topic.length > MAX_TOPIC_LENGTH) return null;
  const match = DEVICE_TOPIC.exec(topic);
  if (!match) return null;
  return { tenantId: match[1]!, deviceId: match[2]!, direction: match[3] as 'up' | 'down', channel: match[4]! };
}

/**
 * Whether a device may subscribe to `filter`: only its own down topics (`…/down/#`, `…/down/+`, a channel),
 * never `#`, `$SYS/#` or another device's topics.
 */
export function mayDeviceSubscribe(identity: { tenantId: string; deviceId: string }, filter: string): boolean {
  const prefix = `t/${identity.tenantId}/d/${identity.deviceId}/down/`;
  if (typeof filter !== 'string' || !filter.startsWith(prefix) || filter.length > MAX_TOPIC_LENGTH) return false;
  const rest = filter.slice(prefix.length).split('/');
  if (rest.length > 8) return false;
  return rest.every((level, index) => (level === '#' ? index === rest.length - 1 : level === '+' || new RegExp(`^${LEVEL}$`).test(level)));
}
