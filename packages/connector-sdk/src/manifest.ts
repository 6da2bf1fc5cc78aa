import { z } from 'zod';
import { authInputSchema } from './auth.ts';
import type { ConnectionMetadataField, ConnectorDefinition } from './define.ts';

/** How a connection of one auth kind is made, as the catalogue and the connection form need it. */
export interface AuthKindManifest {
  kind: string;
  label?: string;
  help?: string;
  /** JSON Schema of what a person enters for this kind (the form is drawn from it). */
  fields: unknown;
  /** OAuth2 kinds: the grant, and for authorization code where people are sent to approve access. */
  oauth?: { grant: 'authorization_code' | 'client_credentials'; authorizeUrl?: string; scopes: string[]; pkce: boolean };
}

/** The catalogue's view of a connector: everything but code, props as JSON Schema for form rendering. */
export interface ConnectorManifest {
  id: string;
  name: string;
  version: string;
  description: string;
  categories: string[];
  icon?: string;
  auth: AuthKindManifest[];
  egress: { hosts: string[] };
  actions: { key: string; name: string; description: string; props: unknown; sample: unknown }[];
  triggers: { key: string; type: string; name: string; description: string; props: unknown; sample: unknown }[];
  /** Non-secret connection settings the connector reads (empty when it reads none). */
  connectionMetadata: ConnectionMetadataField[];
  /** Whether the connector can check a connection's credentials itself (see ConnectorDefinition.test). */
  testable: boolean;
}

export function connectorManifest(connector: ConnectorDefinition): ConnectorManifest {
  const schema = (props: z.ZodType) => z.toJSONSchema(props, { unrepresentable: 'any', io: 'input' });
  return {
    id: connector.id,
    name: connector.name,
    version: connector.version,
    description: connector.description,
    categories: connector.categories,
    icon: connector.icon,
    auth: connector.auth.map((a) => ({
      kind: a.kind,
      label: 'label' in a ? a.label : undefined,
      help: 'help' in a ? a.help : undefined,
      fields: schema(authInputSchema(a)),
      oauth: a.kind === 'oauth2' ? { grant: a.grant, authorizeUrl: a.authorizeUrl, scopes: a.scopes, pkce: a.pkce ?? false } : undefined,
    })),
    egress: connector.egress,
    actions: Object.entries(connector.actions).map(([key, a]) => ({ key, name: a.name, description: a.description, props: schema(a.props), sample: a.sample })),
    triggers: Object.entries(connector.triggers).map(([key, t]) => ({ key, type: t.type, name: t.name, description: t.description, props: schema(t.props), sample: t.sample })),
    connectionMetadata: connector.connectionMetadata ?? [],
    testable: typeof connector.test === 'function',
  };
}
