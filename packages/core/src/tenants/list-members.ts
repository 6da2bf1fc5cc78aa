import type { Role, TenantDb } from '@conflux/db';
import type { Actor } from './actor.ts';

/** A member as the team page shows it. */
export interface MemberDto {
  membershipId: string;
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: Date;
  isYou: boolean;
}

export async function listMembers(db: TenantDb, actor: Actor): Promise<MemberDto[]> {
  const rows = await db.membership.findMany({
    where: { tenantId: actor.tenantId },
    select: { id: true, role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
    orderBy: [{ createdAt: 'asc' }],
  });
  const order: Record<Role, number> = { owner: 0, admin: 1, member: 2 };
  return rows
    .map((m) => ({
      membershipId: m.id,
      userId: m.user.id,
      name: m.user.name,
      email: m.user.email,
      role: m.role,
      joinedAt: m.createdAt,
      isYou: m.user.id === actor.userId,
    }))
    .sort((a, b) => order[a.role] - order[b.role]);
}
