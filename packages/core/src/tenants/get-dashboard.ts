import type { TenantDb } from '@conflux/db';
import type { Actor } from './actor.ts';

/** What the dashboard of a tenant shows: the team, the setup checklist's counts, recent activity. */
export interface DashboardDto {
  tenantName: string;
  memberCount: number;
  pendingInvitations: number;
  connectionCount: number;
  flowCount: number;
  /** Flows with a published version (whether enabled or not). */
  publishedFlowCount: number;
  recentActivity: { id: string; action: string; target: string | null; actorName: string | null; at: Date }[];
}

export async function getDashboard(db: TenantDb, actor: Actor): Promise<DashboardDto> {
  const [tenant, memberCount, pendingInvitations, connectionCount, flowCount, publishedFlowCount, activity] = await Promise.all([
    db.tenant.findUniqueOrThrow({ where: { id: actor.tenantId }, select: { name: true } }),
    db.membership.count({ where: { tenantId: actor.tenantId } }),
    db.invitation.count({ where: { tenantId: actor.tenantId, status: 'pending', expiresAt: { gt: new Date() } } }),
    db.connection.count({ where: { tenantId: actor.tenantId } }),
    db.flow.count({ where: { tenantId: actor.tenantId } }),
    db.flow.count({ where: { tenantId: actor.tenantId, publishedVersion: { not: null } } }),
    db.auditLog.findMany({
      where: { tenantId: actor.tenantId },
      select: { id: true, action: true, target: true, actorUserId: true, createdAt: true },
      orderBy: { createdAt: 'desc' },
      take: 8,
    }),
  ]);
  const actorIds = [...new Set(activity.map((a) => a.actorUserId).filter((id): id is string => !!id))];
  const users = actorIds.length
    ? await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } })
    : [];
  const names = new Map(users.map((u) => [u.id, u.name]));
  return {
    tenantName: tenant.name,
    memberCount,
    pendingInvitations,
    connectionCount,
    flowCount,
    publishedFlowCount,
    recentActivity: activity.map((a) => ({
      id: a.id,
      action: a.action,
      target: a.target,
      actorName: a.actorUserId ? (names.get(a.actorUserId) ?? null) : null,
      at: a.createdAt,
    })),
  };
}
