export { createTenantGate, type TenantGate, type TenantDb } from './tenant-gate.ts';
export { resolveDatabaseUrls, type DatabaseUrls } from './urls.ts';
export type { Role, InvitationStatus, DevicePayloadFormat, DeviceCommandStatus } from './generated/prisma/enums.ts';
