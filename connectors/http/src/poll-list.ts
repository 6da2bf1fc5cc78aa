/**
 * The `pollList` trigger: walks a JSON list endpoint page by page and hands each record to the platform,
 * which starts a run for records it has not seen with this content (dedupe by id + content).
 *
 * A walk goes from the first page to the last, one page per poll; the cursor kept between polls says which
 * page comes next. When a walk ends, the cursor goes back to the start, so that the next scheduled poll
 * walks the whole list again: most list APIs offer no "changed since", and records that did not change
 * cost nothing but the request, since the platform skips them.
 */
import { ConnectorError, defineTrigger, isClassifiedError, z, type PolledRecord, type PollContext } from '@conflux/connector-sdk';
import { excerpt, exchange, headersFrom, scalar, setDefaultHeader, target } from './exchange.ts';

// A stop for APIs that ignore the pagination parameter in a way the repeated-page check cannot see.
const MAX_PAGES_PER_WALK = 10_000;
const EXPRESSION_IN_MESSAGES = 80;

const parameter = (fallback: string) => z.string().trim().min(1).max(100).default(fallback);
const expression = z.string().trim().min(1, 'Enter a JSONata expression').max(2000);

const pollListProps = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .describe('The list endpoint, e.g. https://api.example.com/v1/orders?status=open. Pagination parameters are added to its query.'),
    method: z.enum(['GET', 'POST']).default('GET').describe('GET for most list endpoints; POST for search endpoints that take a JSON body.'),
    headers: z
      .record(z.string(), scalar)
      .default({})
      .describe('Request headers. Credentials belong in the connection, which overrides a header of the same name.'),
    body: z.json().optional().describe('JSON body for POST, sent unchanged with every page (pagination stays in the query).'),
    pagination: z
      .enum(['page', 'offset', 'cursor', 'none'])
      .default('none')
      .describe(
        'How the API pages the list: page (?page=2), offset (?offset=200), cursor (?cursor=… taken from the previous answer) or none (one answer holds the whole list).',
      ),
    pageParam: parameter('page').describe('Page pagination: the query parameter with the page number.'),
    startPage: z.number().int().min(0).max(1).default(1).describe('Page pagination: the number of the first page (1 for most APIs, 0 for some).'),
    offsetParam: parameter('offset').describe('Offset pagination: the query parameter with the number of records to skip.'),
    cursorParam: parameter('cursor').describe('Cursor pagination: the query parameter that carries the cursor of the next page.'),
    pageSizeParam: z
      .string()
      .trim()
      .max(100)
      .default('')
      .describe('The query parameter asking for a page size (e.g. per_page or limit), set to the platform’s page size; empty to let the API choose.'),
    recordsExpression: expression.describe('JSONata selecting the list of records in the answer, e.g. data.items; $ when the answer is the list itself.'),
    idExpression: expression.default('id').describe('JSONata giving the id of one record, evaluated on each record, e.g. id or order.number.'),
    nextCursorExpression: z
      .string()
      .trim()
      .max(2000)
      .optional()
      .describe('Cursor pagination: JSONata giving the next page’s cursor from the answer, e.g. meta.next_cursor; empty or null ends the list.'),
    totalExpression: z
      .string()
      .trim()
      .max(2000)
      .optional()
      .describe('JSONata giving the total number of records when the API says it, e.g. meta.total: shown as progress, and a walk ends once it is reached.'),
    tokenUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('OAuth2 token endpoint; needed only when the connection uses OAuth2 client credentials.'),
  })
  .superRefine((props, issues) => {
    if (props.pagination === 'cursor' && !props.nextCursorExpression) {
      issues.addIssue({ code: 'custom', path: ['nextCursorExpression'], message: 'Cursor pagination needs the expression that finds the next cursor' });
    }
    if (props.body !== undefined && props.method !== 'POST') {
      issues.addIssue({ code: 'custom', path: ['body'], message: 'Only a POST carries a body' });
    }
  });

/** The props of the `pollList` trigger after parsing. */
export type PollListProps = z.output<typeof pollListProps>;

/** Where a walk stands between polls; the platform stores it and hands it back as `ctx.cursor`. */
const walkSchema = z.object({
  /** The next request's page number, offset or API cursor (per the pagination style). */
  page: z.number().int().min(0).optional(),
  offset: z.number().int().min(0).optional(),
  next: z.string().optional(),
  /** Records seen so far in this walk, to stop at the total. */
  seen: z.number().int().min(0),
  /** Pages fetched so far in this walk. */
  pages: z.number().int().min(0),
  /** Count, first and last id of the previous page: the same page twice means the API ignores the parameter. */
  previous: z.string().optional(),
});
type Walk = z.output<typeof walkSchema>;

const START: Walk = { seen: 0, pages: 0 };

function walkFrom(ctx: PollContext<PollListProps>): Walk {
  if (ctx.cursor === null || ctx.cursor === undefined) return START;
  const parsed = walkSchema.safeParse(ctx.cursor);
  if (parsed.success) return parsed.data;
  // A cursor from other props (say, another pagination style): walking again from the start costs
  // requests, never duplicate runs, since unchanged records are skipped.
  ctx.log.warn('pollList: the stored cursor does not fit these settings; starting the list again');
  return START;
}

function pageUrl(props: PollListProps, walk: Walk, pageSize: number): URL {
  const url = new URL(props.url);
  if (props.pageSizeParam) url.searchParams.set(props.pageSizeParam, String(pageSize));
  switch (props.pagination) {
    case 'page':
      url.searchParams.set(props.pageParam, String(walk.page ?? props.startPage));
      break;
    case 'offset':
      url.searchParams.set(props.offsetParam, String(walk.offset ?? 0));
      break;
    case 'cursor':
      if (walk.next !== undefined) url.searchParams.set(props.cursorParam, walk.next);
      break;
    case 'none':
      break;
  }
  return url;
}

function shorten(text: string): string {
  return text.length > EXPRESSION_IN_MESSAGES ? `${text.slice(0, EXPRESSION_IN_MESSAGES)}…` : text;
}

/** Evaluates one of the trigger's expressions; its failure is the tenant's to fix, so permanent, naming which. */
async function evaluate(ctx: PollContext<PollListProps>, what: string, source: string, input: unknown): Promise<unknown> {
  try {
    return await ctx.evaluate(source, input);
  } catch (error) {
    if (isClassifiedError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw ConnectorError.permanent(`The ${what} “${shorten(source)}” failed: ${reason}`, { cause: error });
  }
}

function parseAnswer(text: string, response: Response, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw ConnectorError.permanent(`${where} answered ${response.status} with ${type}, not JSON: ${excerpt(text)}`);
  }
}

async function recordsOf(ctx: PollContext<PollListProps>, document: unknown): Promise<PolledRecord[]> {
  const { props } = ctx;
  const selected = await evaluate(ctx, 'records expression', props.recordsExpression, document);
  // JSONata returns a lone match as the item itself rather than a list of one.
  const items = selected === undefined || selected === null ? [] : Array.isArray(selected) ? selected : [selected];
  const records: PolledRecord[] = [];
  for (const [index, item] of items.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw ConnectorError.permanent(`The records expression “${shorten(props.recordsExpression)}” must select objects; item ${index + 1} is ${JSON.stringify(item)?.slice(0, 60)}.`);
    }
    const id = await evaluate(ctx, 'id expression', props.idExpression, item);
    if ((typeof id !== 'string' || id === '') && typeof id !== 'number') {
      throw ConnectorError.permanent(`The id expression “${shorten(props.idExpression)}” gave no id (a string or number) for record ${index + 1}: ${excerpt(JSON.stringify(item))}`);
    }
    records.push({ id: String(id), data: item });
  }
  return records;
}

async function totalOf(ctx: PollContext<PollListProps>, document: unknown): Promise<number | undefined> {
  const source = ctx.props.totalExpression;
  if (!source) return undefined;
  const value = await evaluate(ctx, 'total expression', source, document);
  // Some pages of some APIs leave the total out; that is no reason to fail the poll.
  if (value === undefined || value === null || value === '') return undefined;
  const total = Number(value);
  if (!Number.isSafeInteger(total) || total < 0) throw ConnectorError.permanent(`The total expression “${shorten(source)}” gave ${JSON.stringify(value)}, not a number of records.`);
  return total;
}

/** Where the next request starts, or null when this page ended the walk. */
async function nextWalk(ctx: PollContext<PollListProps>, walk: Walk, page: { document: unknown; records: PolledRecord[]; total: number | undefined }): Promise<Walk | null> {
  const { props } = ctx;
  const { records } = page;
  const seen = walk.seen + records.length;
  const previous = records.length > 0 ? `${records.length}:${records[0]!.id}:${records.at(-1)!.id}` : undefined;
  const common = { seen, pages: walk.pages + 1, previous };
  let next: Walk | null;
  switch (props.pagination) {
    case 'none':
      return null;
    case 'page':
      // An empty page ends the list; a short one may not (APIs cap the page size below what was asked).
      next = records.length > 0 ? { ...common, page: (walk.page ?? props.startPage) + 1 } : null;
      break;
    case 'offset':
      next = records.length > 0 ? { ...common, offset: (walk.offset ?? 0) + records.length } : null;
      break;
    case 'cursor': {
      const token = await evaluate(ctx, 'next cursor expression', props.nextCursorExpression ?? '', page.document);
      const usable = typeof token === 'string' ? token !== '' : typeof token === 'number';
      // Trusted even after an empty page (filtered APIs return those mid-list), unless it does not move.
      next = usable && String(token) !== walk.next ? { ...common, next: String(token) } : null;
      break;
    }
  }
  if (next === null) return null;
  if (page.total !== undefined && seen >= page.total) return null;
  if (previous !== undefined && previous === walk.previous) {
    ctx.log.warn('pollList: the API answered the same page twice, so it seems to ignore the pagination parameter; ending the walk', { url: target(props.method, new URL(props.url)) });
    return null;
  }
  if (next.pages >= MAX_PAGES_PER_WALK) {
    ctx.log.warn(`pollList: ended the walk after ${MAX_PAGES_PER_WALK} pages`);
    return null;
  }
  return next;
}

/** Polls a paginated JSON list; see the module comment for how a walk and its cursor go. */
export const pollList = defineTrigger({
  type: 'polling',
  name: 'Poll a list endpoint',
  description:
    'Calls a JSON list endpoint on a schedule, page by page, and starts a run for each new or changed record. After the last page the next poll walks the list again from the start; unchanged records are skipped.',
  props: pollListProps,
  // What a run sees as `trigger`: the platform's change event around the record.
  sample: { id: 'ord_1042', change: 'created', updatedAt: null, data: { id: 'ord_1042', status: 'paid', total: 4999, currency: 'EUR' } },
  dedupe: 'id',
  async poll(ctx) {
    const { props } = ctx;
    const walk = walkFrom(ctx);
    const url = pageUrl(props, walk, ctx.pageSize);
    const headers = headersFrom(props.headers);
    setDefaultHeader(headers, 'accept', 'application/json');
    let body: string | undefined;
    if (props.body !== undefined) {
      setDefaultHeader(headers, 'content-type', 'application/json');
      body = typeof props.body === 'string' ? props.body : JSON.stringify(props.body);
    }

    const { response, text } = await exchange(ctx, { method: props.method, url, headers, body, tokenUrl: props.tokenUrl });
    // An empty answer (a 204, say) is an empty page.
    const document = text.trim() === '' ? null : parseAnswer(text, response, target(props.method, url));
    const records = document === null ? [] : await recordsOf(ctx, document);
    const total = document === null ? undefined : await totalOf(ctx, document);
    const next = await nextWalk(ctx, walk, { document, records, total });
    return { records, cursor: next, hasMore: next !== null, ...(total === undefined ? {} : { total }) };
  },
});
