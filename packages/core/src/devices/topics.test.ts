import { describe, expect, it } from 'vitest';
import { downTopic, isDeviceChannel, mayDeviceSubscribe, parseDeviceTopic, upTopic } from './topics.ts';

const t = '0b6e7f9a-2c41-4d8e-b1a3-5e9f7c2d4a10';
const d = '6f1c2a9e-4b7d-4e21-9a57-1f0d3c8b2e44';
const other = '11111111-2222-4333-8444-555555555555';

describe('device topics', () => {
  it('builds and parses the convention', () => {
    expect(parseDeviceTopic(upTopic(t, d, 'temperature'))).toEqual({ tenantId: t, deviceId: d, direction: 'up', channel: 'temperature' });
    expect(parseDeviceTopic(downTopic(t, d, 'config/interval'))).toEqual({ tenantId: t, deviceId: d, direction: 'down', channel: 'config/interval' });
    for (const bad of [`t/${t}/d/${d}/up/`, `t/${t}/d/${d}/sideways/x`, `t/${t.toUpperCase()}/d/${d}/up/x`, `t/${t}/d/${d}/up/../x`, `t/${t}/d/${d}/up/+`, `t/${t}/d/${d}/up/#`, `x/${t}/d/${d}/up/a`, `t/${t}/d/${d}/up/${'a/'.repeat(8)}a`]) {
      expect(parseDeviceTopic(bad), bad).toBeNull();
    }
    expect(isDeviceChannel('a.b-c_d/e')).toBe(true);
    expect(isDeviceChannel('.x')).toBe(false);
  });

  it('lets a device subscribe to its own down topics only', () => {
    const me = { tenantId: t, deviceId: d };
    for (const ok of [downTopic(t, d, '#'), downTopic(t, d, '+'), downTopic(t, d, 'valve'), downTopic(t, d, 'config/+')]) expect(mayDeviceSubscribe(me, ok), ok).toBe(true);
    for (const bad of ['#', '$SYS/#', `t/${t}/#`, `t/+/d/${d}/down/#`, downTopic(t, other, '#'), upTopic(t, d, '#'), downTopic(other, d, '#'), downTopic(t, d, 'a/#/b'), downTopic(t, d, '')]) {
      expect(mayDeviceSubscribe(me, bad), bad).toBe(false);
    }
  });
});
