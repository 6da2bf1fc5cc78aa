import { describe, expect, it } from 'vitest';
import { connectorManifest, type DeviceMessageEvent, type DeviceMessageTriggerDefinition, type QueuedDeviceCommand } from '@conflux/connector-sdk';
import { actionContext } from '../../../test/support/connector-context.ts';
import mqtt, { deviceMessageMatches, isChannel, isTopicFilter, topicMatches } from './index.ts';

const trigger = mqtt.triggers.deviceMessage as DeviceMessageTriggerDefinition;
const tenant = '0b6e7f9a-2c41-4d8e-b1a3-5e9f7c2d4a10';
const device = '6f1c2a9e-4b7d-4e21-9a57-1f0d3c8b2e44';
const message = (channel: string, tags: string[] = []): DeviceMessageEvent => ({
  deviceId: device,
  deviceName: 'Boiler',
  deviceType: 'thermometer',
  tags,
  topic: `t/${tenant}/d/${device}/up/${channel}`,
  channel,
  payloadFormat: 'json',
  payload: { celsius: 80 },
  qos: 1,
  receivedAt: '2026-03-02T09:15:00.000Z',
  messageId: '1',
});

describe('mqtt connector: topic filters', () => {
  it('matches + and # as MQTT does', () => {
    expect(topicMatches('t/+/d/+/up/#', `t/${tenant}/d/${device}/up/temperature`)).toBe(true);
    expect(topicMatches('t/+/d/+/up/#', `t/${tenant}/d/${device}/up/a/b`)).toBe(true);
    expect(topicMatches('t/+/d/+/up/temperature', `t/${tenant}/d/${device}/up/humidity`)).toBe(false);
    expect(topicMatches('t/+/d/+/up/alerts/+', `t/${tenant}/d/${device}/up/alerts/high`)).toBe(true);
    expect(topicMatches('t/+/d/+/up/alerts/+', `t/${tenant}/d/${device}/up/alerts`)).toBe(false);
    expect(topicMatches('t/+/d/+/up/alerts/#', `t/${tenant}/d/${device}/up/alerts`)).toBe(true);
    expect(topicMatches('#', 'anything/at/all')).toBe(true);
  });

  it('validates filters and channels', () => {
    for (const ok of ['#', 't/+/d/+/up/#', 't/+/d/+/up/temperature', '+']) expect(isTopicFilter(ok), ok).toBe(true);
    for (const bad of ['', 'a/#/b', 'a/b#', 'a/+b', 'a//b', 'x'.repeat(300)]) expect(isTopicFilter(bad), bad).toBe(false);
    for (const ok of ['valve', 'config/interval', 'v1.2', 'a-b_c']) expect(isChannel(ok), ok).toBe(true);
    for (const bad of ['', '../x', '.hidden', 'a/+', 'a/#', 'a b', 'é', 'a/'.repeat(9) + 'a']) expect(isChannel(bad), bad).toBe(false);
  });

  it('starts a flow by topic filter, device and tag', () => {
    const props = trigger.props.parse({}) as { topicFilter: string };
    expect(props.topicFilter).toBe('t/+/d/+/up/#');
    expect(trigger.matches(props, message('temperature'))).toBe(true);
    expect(deviceMessageMatches({ topicFilter: 't/+/d/+/up/temperature', tag: 'building-a' }, message('temperature', ['building-a']))).toBe(true);
    expect(deviceMessageMatches({ topicFilter: 't/+/d/+/up/temperature', tag: 'building-a' }, message('temperature', ['building-b']))).toBe(false);
    expect(deviceMessageMatches({ topicFilter: '#', deviceId: device }, message('x'))).toBe(true);
    expect(deviceMessageMatches({ topicFilter: '#', deviceId: '00000000-0000-4000-8000-000000000000' }, message('x'))).toBe(false);
    expect(trigger.props.safeParse({ topicFilter: 'a/#/b' }).success).toBe(false);
  });
});

describe('mqtt connector: sendCommand', () => {
  it('queues the command through the platform’s device service', async () => {
    const sent: unknown[] = [];
    const ctx = actionContext(mqtt.actions.sendCommand!.props.parse({ deviceId: device, channel: 'valve', payload: { open: false } }));
    ctx.devices = {
      async send(command) {
        sent.push(command);
        return { commandId: 'c1', topic: `t/${tenant}/d/${device}/down/valve`, status: 'queued', duplicate: false } satisfies QueuedDeviceCommand;
      },
    };
    expect(await mqtt.actions.sendCommand!.run(ctx)).toMatchObject({ commandId: 'c1', status: 'queued' });
    expect(sent).toEqual([{ deviceId: device, channel: 'valve', payload: { open: false }, qos: 1 }]);
  });

  it('fails permanently where the platform offers no device service', async () => {
    const ctx = actionContext(mqtt.actions.sendCommand!.props.parse({ deviceId: device, channel: 'valve', payload: 'x', qos: 0 }));
    await expect(mqtt.actions.sendCommand!.run(ctx)).rejects.toMatchObject({ name: 'ConnectorError', kind: 'permanent' });
  });

  it('has a manifest the catalogue renders', () => {
    const manifest = connectorManifest(mqtt);
    expect(manifest.triggers).toMatchObject([{ key: 'deviceMessage', type: 'device_message' }]);
    expect(manifest.actions).toMatchObject([{ key: 'sendCommand', props: { properties: { qos: expect.anything() } } }]);
  });
});
