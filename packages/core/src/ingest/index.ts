// Ingest doors of the tenant gate: the tenant comes from endpoint or provider credentials.
export * from './find-webhook-endpoint.ts';
export * from './find-app-webhook-targets.ts';
