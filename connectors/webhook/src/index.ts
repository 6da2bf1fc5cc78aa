/**
 * The generic webhook connector: a tenant endpoint (`POST /hooks/:key`) that starts a flow with whatever
 * JSON or form body is posted to it. The gateway verifies and stores the request; this code only says
 * which part of it is the event id, so that a sender's retries start the flow once.
 */
import { defaultWebhookEvents, defineConnector, defineTrigger, z, type InboundEvent, type InboundRequest } from '@conflux/connector-sdk';

const MAX_ID_LENGTH = 200;

const catchHookProps = z.object({
  eventIdPath: z
    .string()
    .trim()
    .regex(/^[^.\s]+(?:\.[^.\s]+)*$/, 'Use a dotted path such as data.id or items.0.id')
    .max(200)
    .optional()
    .describe('Dotted path to the event id in the JSON body, e.g. data.id or items.0.id. Without it, the X-Event-Id or Idempotency-Key header is used.'),
});

/** The props of the `catchHook` trigger after parsing. */
export type CatchHookProps = z.output<typeof catchHookProps>;

/** The value at a dotted path in a parsed body; own properties only, so `__proto__.x` finds nothing. */
export function valueAtPath(root: unknown, path: string): unknown {
  let current = root;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Events of a request: the body as payload, its id from `eventIdPath` when that finds a string or number, else from the headers. */
export function catchHookEvents(request: InboundRequest, props: CatchHookProps = {}): InboundEvent[] {
  return defaultWebhookEvents(request).map((event) => {
    if (!props.eventIdPath) return event;
    const id = valueAtPath(request.body, props.eventIdPath);
    const usable = typeof id === 'string' ? id.trim() !== '' : typeof id === 'number' && Number.isFinite(id);
    return usable ? { ...event, id: String(id).slice(0, MAX_ID_LENGTH) } : event;
  });
}

const catchHook = defineTrigger({
  type: 'webhook',
  name: 'Catch a webhook',
  description: 'Starts the flow when JSON or form data is posted to the flow’s webhook URL.',
  props: catchHookProps,
  sample: {
    id: 'evt_01HZY3K8Q2',
    type: 'order.paid',
    data: { orderId: 'ord_1042', total: 4999, currency: 'EUR', customer: { email: 'ada@example.com' } },
    createdAt: '2026-03-02T09:15:00.000Z',
  },
  parse(request, props) {
    return catchHookEvents(request, props);
  },
});

const icon =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"><circle cx="6" cy="17" r="2.5"/><circle cx="18" cy="17" r="2.5"/><circle cx="12" cy="6" r="2.5"/><path d="M10.8 8.2 7.2 14.8M8.5 17h7M13.2 8.2l3.6 6.6"/></svg>';

export default defineConnector({
  id: 'webhook',
  name: 'Webhook',
  version: '0.1.0',
  description: 'Start a flow from any system that can send an HTTP POST.',
  categories: ['developer-tools', 'core'],
  icon,
  auth: [{ kind: 'none' }],
  // Nothing is called out: the gateway receives, the connector only reads.
  egress: { hosts: [] },
  actions: {},
  triggers: { catchHook },
});
