/**
 * One HTTP exchange with the connection's credentials, shared by the `request` action and the `pollList`
 * trigger: credentials applied, failures before a response classified, error statuses turned into the
 * ConnectorError the engine expects.
 */
import { applyAuth, ConnectorError, errorForStatus, isClassifiedError, z } from '@conflux/connector-sdk';
import { credentialsFor, forgetIssuedToken, type CallContext } from './oauth2.ts';

const EXCERPT_CHARS = 300;

/** A header or query value as props take it. */
export const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** The step's headers; a name or value fetch would refuse is the step's mistake, so permanent. */
export function headersFrom(values: Record<string, string | number | boolean>): Headers {
  const headers = new Headers();
  try {
    for (const [name, value] of Object.entries(values)) headers.set(name, String(value));
  } catch (error) {
    throw ConnectorError.permanent(`Invalid header: ${(error as Error).message}`, { cause: error });
  }
  return headers;
}

export function setDefaultHeader(headers: Headers, name: string, value: string): void {
  if (!headers.has(name)) headers.set(name, value);
}

/** A body for messages: whitespace folded, cut to a few hundred characters. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

/** Where a call went, for messages: origin and path only, since a query may carry an API key. */
export function target(method: string, url: URL): string {
  return `${method} ${url.origin}${url.pathname}`;
}

/** Why a fetch failed before any response: fetch says "fetch failed", its cause says what (ECONNREFUSED…). */
export function failureReason(error: unknown): string {
  return error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
}

/** A request as {@link exchange} sends it. */
export interface ExchangeRequest {
  method: string;
  url: URL;
  headers: Headers;
  body?: string;
  /** OAuth2 client credentials: the token endpoint, when the connection needs one. */
  tokenUrl?: string;
}

/**
 * Sends the request with the connection's credentials (which override a header of the same name) and reads
 * the answer. Throws a classified error for a failure before a response and for any non-2xx status.
 */
export async function exchange(ctx: CallContext, request: ExchangeRequest): Promise<{ response: Response; text: string }> {
  const { method, url, headers } = request;
  const { auth, issued } = await credentialsFor(ctx, request.tokenUrl);
  applyAuth(auth, url, headers);

  let response: Response;
  try {
    response = await ctx.fetch(url, { method, headers, body: request.body, signal: ctx.signal });
  } catch (error) {
    if (isClassifiedError(error)) throw error;
    throw ConnectorError.retryable(`${target(method, url)} failed before a response: ${failureReason(error)}`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    // A token we fetched ourselves may have been revoked early: the next attempt fetches a fresh one.
    if (issued && response.status === 401) await forgetIssuedToken(ctx, request.tokenUrl);
    const message = `${target(method, url)} answered ${response.status} ${response.statusText}`.trim();
    throw errorForStatus(response.status, text ? `${message}: ${excerpt(text)}` : message, response.headers.get('retry-after'));
  }
  return { response, text };
}
