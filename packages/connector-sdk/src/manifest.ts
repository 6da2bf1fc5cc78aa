import { z } from 'zod';
import type { ConnectorDefinition } from './define.ts';

/** The catalogue's view of a connector: everything but code, props as JSON Schema for form rendering. */
export interface ConnectorManifest {
  id: string;
  name: string;
  version: string;
  description: string;
  categories: string[];
  icon?: string;
  auth: { kind: string; label?: string; help?: string; fields?: unknown }[];
  egress: { hosts: string[] };
  actions: { key: string; name: string; description: string; props: unknown; sample: unknown }[];
  triggers: { key: string; type: string; name: string; description: string; props: unknown; sample: unknown }[];
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
      fields: a.kind === 'custom' ? schema(a.fields) : undefined,
    })),
    egress: connector.egress,
    actions: Object.entries(connector.actions).map(([key, a]) => ({ key, name: a.name, description: a.description, props: schema(a.props), sample: a.sample })),
    triggers: Object.entries(connector.triggers).map(([key, t]) => ({ key, type: t.type, name: t.name, description: t.description, props: schema(t.props), sample: t.sample })),
  };
}
