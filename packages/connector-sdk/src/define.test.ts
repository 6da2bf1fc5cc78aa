import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, defineTrigger, type ConnectorDefinition, type PollPage } from './define.ts';

const page: PollPage = { records: [{ id: '1', data: { id: 1 } }], cursor: { after: 1 }, hasMore: false };

function connector(triggers: ConnectorDefinition['triggers']): ConnectorDefinition {
  return { id: 'example', name: 'Example', version: '1.0.0', description: '', categories: [], auth: [{ kind: 'none' }], egress: { hosts: ['api.example.com'] }, actions: {}, triggers };
}

describe('polling triggers', () => {
  it('are declared with typed props and a poll function', async () => {
    const trigger = defineTrigger({
      type: 'polling',
      name: 'New items',
      description: 'Items, newest last.',
      props: z.object({ list: z.string() }),
      sample: { id: '1', change: 'created', updatedAt: null, data: { id: 1 } },
      dedupe: 'id',
      async poll(ctx) {
        // The props are typed from the schema.
        return ctx.props.list === 'items' ? page : { records: [], cursor: ctx.cursor, hasMore: false };
      },
    });
    const defined = defineConnector(connector({ newItems: trigger }));
    expect(defined.triggers.newItems?.type).toBe('polling');
  });

  it('are refused at load time without a poll function or with an unknown dedupe', () => {
    const base = { type: 'polling', name: 'Broken', description: '', props: z.object({}), sample: {} } as const;
    expect(() => defineConnector(connector({ broken: { ...base, dedupe: 'id' } as never }))).toThrow('trigger "broken" is a polling trigger without a poll function');
    expect(() => defineConnector(connector({ broken: { ...base, dedupe: 'hash', poll: async () => page } as never }))).toThrow('dedupe must be "id" or "updated_at"');
  });
});
