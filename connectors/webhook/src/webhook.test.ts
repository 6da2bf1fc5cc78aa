import { describe, expect, it } from 'vitest';
import { connectorManifest, type WebhookTriggerDefinition } from '@conflux/connector-sdk';
import { inboundRequest } from '../../../test/support/connector-context.ts';
import webhook, { catchHookEvents, valueAtPath } from './index.ts';

const catchHook = webhook.triggers.catchHook as WebhookTriggerDefinition;

describe('webhook connector: catchHook', () => {
  const body = { data: { id: 'evt_77', items: [{ id: 5 }] }, amount: 10 };

  it('uses the X-Event-Id header without eventIdPath, as the SDK does', () => {
    const events = catchHook.parse?.(inboundRequest(body, { 'X-Event-Id': 'hdr_1' }), catchHook.props.parse({}));
    expect(events).toEqual([{ id: 'hdr_1', payload: body }]);
  });

  it('is the parser the gateway calls with the trigger’s props', () => {
    const events = catchHook.parse?.(inboundRequest(body, { 'X-Event-Id': 'hdr_1' }), catchHook.props.parse({ eventIdPath: 'data.id' }));
    expect(events).toEqual([{ id: 'evt_77', payload: body }]);
  });

  it('takes the id from eventIdPath, through objects and arrays', () => {
    const request = inboundRequest(body, { 'x-event-id': 'hdr_1' });
    expect(catchHookEvents(request, catchHook.props.parse({ eventIdPath: 'data.id' }))).toEqual([{ id: 'evt_77', payload: body }]);
    expect(catchHookEvents(request, { eventIdPath: 'data.items.0.id' })[0]?.id).toBe('5');
  });

  it('falls back to the headers when the path finds nothing usable', () => {
    const request = inboundRequest(body, { 'idempotency-key': 'idem_9' });
    expect(catchHookEvents(request, { eventIdPath: 'data.missing' })[0]?.id).toBe('idem_9');
    expect(catchHookEvents(request, { eventIdPath: 'data' })[0]?.id).toBe('idem_9');
    expect(catchHookEvents(inboundRequest(body), { eventIdPath: 'nope' })[0]?.id).toBeUndefined();
  });

  it('follows own properties only and caps the id length', () => {
    expect(valueAtPath({}, '__proto__.constructor')).toBeUndefined();
    expect(valueAtPath({ a: 'x' }, 'a.length')).toBeUndefined();
    const long = catchHookEvents(inboundRequest({ id: 'x'.repeat(500) }), { eventIdPath: 'id' });
    expect(long[0]?.id).toHaveLength(200);
  });

  it('validates the path and renders it as a described form field', () => {
    expect(catchHook.props.safeParse({ eventIdPath: 'data..id' }).success).toBe(false);
    expect(catchHook.props.safeParse({}).success).toBe(true);
    const manifest = connectorManifest(webhook);
    expect(manifest.triggers).toMatchObject([{ key: 'catchHook', type: 'webhook', props: { properties: { eventIdPath: { description: expect.stringContaining('data.id') } } } }]);
    expect(manifest.actions).toEqual([]);
  });
});
