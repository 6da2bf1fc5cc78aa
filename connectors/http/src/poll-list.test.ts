import { afterEach, describe, expect, it } from 'vitest';
import { type AuthValue, type PollContext, type PollingTriggerDefinition, type PollPage, type TriggerDefinition } from '@conflux/connector-sdk';
import { evaluateMapping } from '@conflux/mapping';
import { actionContext, type LoggedLine } from '../../../test/support/connector-context.ts';
import { startHttpServer, type RecordedRequest, type TestResponse, type TestServer } from '../../../test/support/http-server.ts';
import http from './index.ts';

function polling(trigger: TriggerDefinition | undefined): PollingTriggerDefinition {
  if (trigger?.type !== 'polling') throw new Error('not a polling trigger');
  return trigger;
}
const pollList = polling(http.triggers.pollList);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function server(handler: (request: RecordedRequest, query: URLSearchParams) => TestResponse): Promise<TestServer> {
  const started = await startHttpServer((request) => handler(request, new URL(request.path, 'http://x').searchParams));
  cleanups.push(() => started.close());
  return started;
}

interface PollOptions {
  cursor?: unknown;
  pageSize?: number;
  auth?: AuthValue;
  logs?: LoggedLine[];
}

/** The context the platform builds for one poll: the real JSONata evaluator, a plain fetch to the local server. */
function pollContext(props: Record<string, unknown>, options: PollOptions = {}): PollContext<Record<string, unknown>> {
  return {
    props: pollList.props.parse(props),
    auth: options.auth ?? null,
    connection: null,
    fetch: globalThis.fetch,
    resolveHost: () => Promise.reject(new Error('pollList opens no sockets of its own')),
    evaluate: (expression, input) => evaluateMapping(expression, input as never),
    log: actionContext({}, { logs: options.logs }).log,
    signal: new AbortController().signal,
    cursor: options.cursor ?? null,
    pageSize: options.pageSize ?? 10,
  };
}

/** Polls as the platform does: again while hasMore, each time with the cursor the last page returned. */
async function walk(props: Record<string, unknown>, options: PollOptions = {}): Promise<{ pages: PollPage[]; ids: string[] }> {
  const pages: PollPage[] = [];
  let cursor: unknown = options.cursor ?? null;
  for (;;) {
    const page = await pollList.poll(pollContext(props, { ...options, cursor }));
    pages.push(page);
    cursor = page.cursor;
    if (!page.hasMore) break;
    if (pages.length > 50) throw new Error('the walk does not end');
  }
  return { pages, ids: pages.flatMap((page) => page.records.map((record) => record.id)) };
}

const items = Array.from({ length: 25 }, (_, i) => ({ id: `item_${i + 1}`, name: `Item ${i + 1}` }));
const expectedIds = items.map((item) => item.id);

describe('http connector: pollList', () => {
  it('walks page pagination to the first empty page, then starts again from page 1', async () => {
    const api = await server((_r, q) => {
      const size = Number(q.get('per_page'));
      const page = Number(q.get('page'));
      return { body: { data: { items: items.slice((page - 1) * size, page * size) } } };
    });
    const props = { url: `${api.url}/v1/items?status=open`, pagination: 'page', pageSizeParam: 'per_page', recordsExpression: 'data.items' };
    const { pages, ids } = await walk(props);

    expect(ids).toEqual(expectedIds);
    expect(pages.map((p) => p.records.length)).toEqual([10, 10, 5, 0]);
    expect(pages[0]?.records[0]).toEqual({ id: 'item_1', data: items[0] });
    expect(api.requests.map((r) => r.path)).toEqual([1, 2, 3, 4].map((n) => `/v1/items?status=open&per_page=10&page=${n}`));
    // The walk is over: the stored cursor is the start again, so the next scheduled poll re-reads page 1.
    expect(pages.at(-1)?.cursor).toBeNull();
    await pollList.poll(pollContext(props, { cursor: pages.at(-1)?.cursor }));
    expect(api.requests.at(-1)?.path).toContain('page=1');
  });

  it('resumes a walk from the stored cursor and counts pages from startPage', async () => {
    const api = await server((_r, q) => ({ body: items.slice(Number(q.get('p')) * 10, Number(q.get('p')) * 10 + 10) }));
    const props = { url: `${api.url}/items`, pagination: 'page', pageParam: 'p', startPage: 0, recordsExpression: '$' };
    const first = await pollList.poll(pollContext(props));
    expect(api.requests[0]?.path).toBe('/items?p=0');
    const { ids } = await walk(props, { cursor: first.cursor });
    expect([...first.records.map((r) => r.id), ...ids]).toEqual(expectedIds);
  });

  it('walks offset pagination and stops at the total without asking for an empty page', async () => {
    const api = await server((_r, q) => {
      const offset = Number(q.get('skip'));
      return { body: { results: items.slice(offset, offset + Number(q.get('limit'))), meta: { total: items.length } } };
    });
    const { pages, ids } = await walk({
      url: `${api.url}/items`,
      pagination: 'offset',
      offsetParam: 'skip',
      pageSizeParam: 'limit',
      recordsExpression: 'results',
      totalExpression: 'meta.total',
    });

    expect(ids).toEqual(expectedIds);
    expect(pages.map((p) => p.total)).toEqual([25, 25, 25]);
    expect(api.requests.map((r) => r.path)).toEqual(['/items?limit=10&skip=0', '/items?limit=10&skip=10', '/items?limit=10&skip=20']);
  });

  it('follows cursor pagination until the next cursor is empty', async () => {
    const api = await server((_r, q) => {
      const start = q.has('after') ? Number(q.get('after')) : 0;
      const end = start + 10;
      return { body: { orders: items.slice(start, end), meta: { next_cursor: end < items.length ? String(end) : null } } };
    });
    const { pages, ids } = await walk({
      url: `${api.url}/orders`,
      pagination: 'cursor',
      cursorParam: 'after',
      recordsExpression: 'orders',
      idExpression: '"order-" & id',
      nextCursorExpression: 'meta.next_cursor',
    });

    expect(ids).toEqual(expectedIds.map((id) => `order-${id}`));
    expect(api.requests.map((r) => r.path)).toEqual(['/orders', '/orders?after=10', '/orders?after=20']);
    expect(pages.at(-1)).toMatchObject({ hasMore: false, cursor: null });
  });

  it('reads an unpaginated list in one request, a lone record as a list of one', async () => {
    const api = await server(() => ({ body: { data: { id: 7, name: 'only one' } } }));
    const page = await pollList.poll(pollContext({ url: `${api.url}/one`, recordsExpression: 'data' }));
    expect(page).toEqual({ records: [{ id: '7', data: { id: 7, name: 'only one' } }], cursor: null, hasMore: false });
    expect(api.requests).toHaveLength(1);
  });

  it('ends the walk when the API ignores the page parameter', async () => {
    const api = await server(() => ({ body: items.slice(0, 10) }));
    const logs: LoggedLine[] = [];
    const { pages } = await walk({ url: `${api.url}/items`, pagination: 'page', recordsExpression: '$' }, { logs });
    expect(pages).toHaveLength(2);
    expect(api.requests).toHaveLength(2);
    expect(logs.map((l) => l.message)).toEqual([expect.stringContaining('same page twice')]);
  });

  it('applies the connection’s credentials and classifies error statuses', async () => {
    let status = 200;
    const api = await server(() => ({ status, body: status === 200 ? { items: [] } : { error: 'busy' } }));
    const props = { url: `${api.url}/items`, recordsExpression: 'items' };
    await pollList.poll(pollContext(props, { auth: { kind: 'bearer', token: 'tok_1' } }));
    expect(api.requests[0]?.headers).toMatchObject({ authorization: 'Bearer tok_1', accept: 'application/json' });
    status = 503;
    await expect(pollList.poll(pollContext(props))).rejects.toMatchObject({ name: 'ConnectorError', kind: 'retryable', details: { status: 503 } });
  });

  it('fails permanently, naming the expression, when an expression is broken or finds no id', async () => {
    const api = await server(() => ({ body: { data: { items: [{ id: 1 }, { name: 'no id' }] } } }));
    const permanent = (message: RegExp) => ({ name: 'ConnectorError', kind: 'permanent', message: expect.stringMatching(message) });
    await expect(pollList.poll(pollContext({ url: api.url, recordsExpression: 'data.items[' }))).rejects.toMatchObject(permanent(/^The records expression “data\.items\[” failed: /));
    await expect(pollList.poll(pollContext({ url: api.url, recordsExpression: 'data.items' }))).rejects.toMatchObject(permanent(/gave no id \(a string or number\) for record 2/));
    await expect(pollList.poll(pollContext({ url: api.url, recordsExpression: 'data.items.id' }))).rejects.toMatchObject(permanent(/must select objects/));
  });

  it('fails permanently on an answer that is not JSON, and reads an empty answer as an empty page', async () => {
    let answer: TestResponse = { body: '<html><body>Sign in</body></html>', headers: { 'content-type': 'text/html' } };
    const api = await server(() => answer);
    await expect(pollList.poll(pollContext({ url: `${api.url}/items`, recordsExpression: 'items' }))).rejects.toMatchObject({
      kind: 'permanent',
      message: `GET ${api.url}/items answered 200 with text/html, not JSON: <html><body>Sign in</body></html>`,
    });

    answer = { status: 204 };
    expect(await pollList.poll(pollContext({ url: `${api.url}/items`, pagination: 'page', recordsExpression: 'items' }))).toEqual({ records: [], cursor: null, hasMore: false });
  });

  it('sends a POST body with every page', async () => {
    const api = await server((_r, q) => ({ body: { hits: Number(q.get('page')) === 1 ? items.slice(0, 2) : [] } }));
    const { ids } = await walk({ url: `${api.url}/search`, method: 'POST', body: { query: 'status:open' }, pagination: 'page', recordsExpression: 'hits' });
    expect(ids).toEqual(['item_1', 'item_2']);
    expect(api.requests.map((r) => [r.method, r.headers['content-type'], r.body])).toEqual([
      ['POST', 'application/json', '{"query":"status:open"}'],
      ['POST', 'application/json', '{"query":"status:open"}'],
    ]);
  });

  it('validates its props: cursor pagination needs its expression, only POST has a body', () => {
    const base = { url: 'https://api.example.com/items', recordsExpression: 'items' };
    expect(pollList.props.safeParse({ ...base, pagination: 'cursor' }).success).toBe(false);
    expect(pollList.props.safeParse({ ...base, body: { a: 1 } }).success).toBe(false);
    expect(pollList.props.safeParse({ ...base, url: 'file:///etc/passwd' }).success).toBe(false);
    expect(pollList.props.parse(base)).toMatchObject({ method: 'GET', pagination: 'none', idExpression: 'id' });
  });
});
