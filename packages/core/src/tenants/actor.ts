import type { Role } from '@conflux/db';

/** Who is acting inside a tenant: taken from the session and the membership, never from input. */
export interface Actor {
  userId: string;
  tenantId: string;
  role: Role;
}
