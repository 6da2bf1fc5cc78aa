// Ingest doors of the tenant gate: the tenant comes from endpoint or provider credentials.
export * from './find-webhook-endpoint.ts';
export * from './find-app-webhook-targets.ts';
export * from './authenticate-device.ts';
export * from './find-provisioning-key.ts';
export * from './claim-device-commands.ts';
export * from './list-device-quotas.ts';
export * from './broker-secrets.ts';
