import { z } from 'zod';

/** The ways a connector accepts credentials; a connection picks one of the connector's kinds. */
export type AuthDefinition =
  | { kind: 'none' }
  | { kind: 'api_key'; placement: 'header' | 'query'; name: string; prefix?: string; label?: string; help?: string }
  | { kind: 'basic'; label?: string; help?: string }
  | { kind: 'bearer'; label?: string; help?: string }
  | {
      kind: 'oauth2';
      grant: 'authorization_code' | 'client_credentials';
      authorizeUrl?: string;
      tokenUrl: string;
      scopes: string[];
      pkce?: boolean;
      label?: string;
      help?: string;
    }
  | { kind: 'custom'; fields: z.ZodObject; label?: string; help?: string };

/** The decrypted credentials an action receives; shaped by the connection's auth kind. */
export type AuthValue =
  | { kind: 'none' }
  | { kind: 'api_key'; apiKey: string; placement: 'header' | 'query'; name: string; prefix?: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | {
      kind: 'oauth2';
      accessToken: string;
      tokenType: string;
      expiresAt?: number;
      refreshToken?: string;
      scope?: string;
      clientId?: string;
      clientSecret?: string;
    }
  | { kind: 'custom'; values: Record<string, unknown> };

const secret = (label: string) => z.string().min(1, `${label} is required`).max(8192);

/**
 * What a person types when creating a connection of this kind (validated server-side; the portal draws
 * the form from its JSON Schema, titles and descriptions included). OAuth2 authorization-code credentials
 * come from the provider instead: the person enters the OAuth app's client id and secret, then approves.
 */
export function authInputSchema(definition: AuthDefinition): z.ZodObject {
  switch (definition.kind) {
    case 'none':
      return z.strictObject({});
    case 'api_key': {
      const where = definition.placement === 'header' ? `the ${definition.name} header` : `the ${definition.name} query parameter`;
      return z.strictObject({ apiKey: secret('API key').meta({ title: 'API key', description: `Sent in ${where} of every request.` }) });
    }
    case 'basic':
      return z.strictObject({
        username: z.string().min(1, 'Username is required').max(1024).meta({ title: 'Username' }),
        password: secret('Password').meta({ title: 'Password' }),
      });
    case 'bearer': {
      const title = definition.label ?? 'Token';
      return z.strictObject({ token: secret(title).meta({ title, description: 'Sent as “Authorization: Bearer …” with every request.' }) });
    }
    case 'oauth2': {
      const client = {
        clientId: secret('Client ID').meta({ title: 'Client ID', description: 'The client ID of the OAuth app you registered with the provider.' }),
        clientSecret: secret('Client secret').meta({ title: 'Client secret', description: 'The client secret of that OAuth app.' }),
      };
      return definition.grant === 'client_credentials'
        ? z.strictObject({ ...client, scope: z.string().max(1024).optional().meta({ title: 'Scope', description: 'Space-separated scopes to request; leave empty for the app’s defaults.' }) })
        : z.strictObject(client);
    }
    case 'custom':
      return definition.fields;
  }
}

/** Builds the stored AuthValue from validated input. */
export function authValueFromInput(definition: AuthDefinition, input: Record<string, unknown>): AuthValue {
  switch (definition.kind) {
    case 'none':
      return { kind: 'none' };
    case 'api_key':
      return { kind: 'api_key', apiKey: String(input.apiKey), placement: definition.placement, name: definition.name, prefix: definition.prefix };
    case 'basic':
      return { kind: 'basic', username: String(input.username), password: String(input.password) };
    case 'bearer':
      return { kind: 'bearer', token: String(input.token) };
    case 'oauth2':
      return {
        kind: 'oauth2',
        accessToken: '',
        tokenType: 'Bearer',
        clientId: String(input.clientId),
        clientSecret: String(input.clientSecret),
        scope: typeof input.scope === 'string' ? input.scope : undefined,
      };
    case 'custom':
      return { kind: 'custom', values: input };
  }
}

/** Applies credentials to an outgoing request's URL and headers (custom auth is the connector's business). */
export function applyAuth(auth: AuthValue | null | undefined, url: URL, headers: Headers): void {
  if (!auth) return;
  switch (auth.kind) {
    case 'api_key':
      if (auth.placement === 'query') url.searchParams.set(auth.name, auth.apiKey);
      else headers.set(auth.name, `${auth.prefix ?? ''}${auth.apiKey}`);
      return;
    case 'basic':
      headers.set('authorization', `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`);
      return;
    case 'bearer':
      headers.set('authorization', `Bearer ${auth.token}`);
      return;
    case 'oauth2':
      if (auth.accessToken) headers.set('authorization', `${auth.tokenType || 'Bearer'} ${auth.accessToken}`);
      return;
    default:
      return;
  }
}

/** The values of an AuthValue that are secret, for redaction of logs and run views. */
export function secretValues(auth: AuthValue | null | undefined): string[] {
  if (!auth) return [];
  switch (auth.kind) {
    case 'api_key':
      return [auth.apiKey];
    case 'basic':
      return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')];
    case 'bearer':
      return [auth.token];
    case 'oauth2':
      return [auth.accessToken, auth.refreshToken, auth.clientSecret].filter((v): v is string => !!v);
    case 'custom':
      return Object.values(auth.values).filter((v): v is string => typeof v === 'string' && v.length >= 6);
    default:
      return [];
  }
}
