// Cross-tenant use-cases on the system client: each is a named, reviewed exception to the tenant gate.
export * from './create-tenant.ts';
export * from './list-tenants-of-user.ts';
export * from './resolve-active-tenant.ts';
export * from './switch-tenant.ts';
export * from './sessions.ts';
export * from './get-invitation.ts';
export * from './accept-invitation.ts';
export * from '../dev/list-dev-mail.ts';
