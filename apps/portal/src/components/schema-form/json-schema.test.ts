import { describe, expect, it } from 'vitest';
import { authInputSchema, connectorManifest, z } from '@conflux/connector-sdk';
import { connectors } from '@conflux/registry';
import { cleanValue, describeSchemaType, initialValue, schemaFields, validateSchemaValue, type JsonSchema } from './json-schema';

const schemaOf = (zod: z.ZodType) => z.toJSONSchema(zod, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
const manifest = (id: string) => connectorManifest(connectors.find((c) => c.id === id)!);

describe('schema form fields', () => {
  it('draws credentials as password inputs, with titles, required markers and hints', () => {
    const oauth = schemaFields(schemaOf(authInputSchema({ kind: 'oauth2', grant: 'client_credentials', tokenUrl: 'https://x/token', scopes: [] })));
    expect(oauth.map((f) => [f.name, f.label, f.control, f.required])).toEqual([
      ['clientId', 'Client ID', 'text', true],
      ['clientSecret', 'Client secret', 'password', true],
      ['scope', 'Scope', 'text', false],
    ]);
    const bearer = schemaFields(manifest('stripe').auth[0]!.fields as JsonSchema);
    expect(bearer[0]).toMatchObject({ name: 'token', label: 'Secret key', control: 'password' });
  });

  it('maps every kind of prop the connectors use', () => {
    const smtp = schemaFields(manifest('email').auth[0]!.fields as JsonSchema);
    expect(Object.fromEntries(smtp.map((f) => [f.name, f.control]))).toEqual({ host: 'text', port: 'integer', secure: 'boolean', username: 'text', password: 'password', from: 'text' });
    const send = schemaFields(manifest('email').actions[0]!.props as JsonSchema);
    expect(Object.fromEntries(send.map((f) => [f.name, f.control]))).toMatchObject({ to: 'string-list', subject: 'text', text: 'textarea', html: 'textarea', attachments: 'json' });
    expect(send.find((f) => f.name === 'to')?.singleAsString).toBe(true);
    const request = schemaFields(manifest('http').actions[0]!.props as JsonSchema);
    expect(Object.fromEntries(request.map((f) => [f.name, f.control]))).toMatchObject({ method: 'enum', url: 'url', headers: 'json', body: 'json', tokenUrl: 'url' });
    const stripeEvent = schemaFields(manifest('stripe').triggers[0]!.props as JsonSchema);
    expect(stripeEvent[0]).toMatchObject({ name: 'eventTypes', control: 'string-list', singleAsString: false });
  });

  it('starts from defaults, validates like the server, and submits without empty optionals', () => {
    const smtp = manifest('email').auth[0]!.fields as JsonSchema;
    const start = initialValue(smtp);
    expect(start).toEqual({ port: 587, secure: false });
    expect(validateSchemaValue(smtp, start)).toEqual({ host: 'Host is required.', from: 'From is required.' });
    expect(validateSchemaValue(smtp, { ...start, host: 'smtp.example.com', from: 'a@b.co', port: 70000 })).toEqual({ port: 'Use 65535 or less.' });
    expect(cleanValue(smtp, { ...start, host: ' smtp.example.com ', from: 'a@b.co', username: '' })).toEqual({ host: 'smtp.example.com', port: 587, secure: false, from: 'a@b.co' });
    const send = manifest('email').actions[0]!.props as JsonSchema;
    expect(cleanValue(send, { to: ['ada@example.com', ' '], subject: 'Hi' })).toEqual({ to: 'ada@example.com', subject: 'Hi' });
    expect(validateSchemaValue(send, { to: [' '], subject: 'Hi' })).toEqual({ to: 'To is required.' });
    const list = { type: 'object', properties: { cc: { type: 'array', items: { type: 'string', format: 'email' } } } } as JsonSchema;
    expect(validateSchemaValue(list, { cc: ['ada@example.com', 'nope'] })).toEqual({ cc: 'Enter an email address, like name@example.com.' });
  });

  it('describes types for the catalogue', () => {
    const smtp = manifest('email').auth[0]!.fields as JsonSchema;
    expect(describeSchemaType(smtp.properties!.port!)).toBe('whole number (1–65535)');
    const request = manifest('http').actions[0]!.props as JsonSchema;
    expect(describeSchemaType(request.properties!.method!)).toBe('one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS');
    expect(describeSchemaType(request.properties!.body!, request)).toBe('any JSON value');
    expect(describeSchemaType(request.properties!.headers!)).toBe('map of text or number or yes/no');
    const send = manifest('email').actions[0]!.props as JsonSchema;
    expect(describeSchemaType(send.properties!.to!)).toBe('text or list of text');
  });
});
