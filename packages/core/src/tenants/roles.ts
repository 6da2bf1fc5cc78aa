import type { Role } from '@conflux/db';
import { AppError } from '../errors.ts';

/** The roles of a membership, strongest first. */
export const roles = ['owner', 'admin', 'member'] as const satisfies readonly Role[];

const rank: Record<Role, number> = { owner: 3, admin: 2, member: 1 };

/** True when `role` is at least `required`. */
export function hasRole(role: Role, required: Role): boolean {
  return rank[role] >= rank[required];
}

/** Throws ROLE_FORBIDDEN unless `role` is at least `required`. */
export function requireRole(role: Role, required: Role, action: string): void {
  if (!hasRole(role, required)) {
    throw new AppError('ROLE_FORBIDDEN', `Only ${required === 'owner' ? 'owners' : 'owners and admins'} can ${action}.`);
  }
}
