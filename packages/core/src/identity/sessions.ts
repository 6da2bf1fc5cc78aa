import type { SystemDb } from '@conflux/db/system';
import { AppError } from '../errors.ts';

/** A signed-in browser of the user, for the security page. */
export interface SessionDto {
  id: string;
  userAgent: string | null;
  ipAddress: string | null;
  createdAt: Date;
  lastActiveAt: Date;
  expiresAt: Date;
  current: boolean;
}

/** The user's unexpired sessions, newest first. Tokens never leave the server. */
export async function listSessions(sys: SystemDb, params: { userId: string; currentSessionId: string }): Promise<SessionDto[]> {
  const rows = await sys.session.findMany({
    where: { userId: params.userId, expiresAt: { gt: new Date() } },
    select: { id: true, userAgent: true, ipAddress: true, createdAt: true, updatedAt: true, expiresAt: true },
    orderBy: { updatedAt: 'desc' },
    take: 100,
  });
  return rows.map(({ updatedAt, ...r }) => ({ ...r, lastActiveAt: updatedAt, current: r.id === params.currentSessionId }));
}

/** Signs one of the user's own sessions out. */
export async function revokeSession(sys: SystemDb, params: { userId: string; sessionId: string }): Promise<{ id: string }> {
  const { count } = await sys.session.deleteMany({ where: { id: params.sessionId, userId: params.userId } });
  if (count === 0) throw new AppError('SESSION_NOT_FOUND', 'That session does not exist or has already ended.');
  return { id: params.sessionId };
}

/** Signs out every session of the user except the current one. */
export async function revokeOtherSessions(sys: SystemDb, params: { userId: string; currentSessionId: string }): Promise<{ count: number }> {
  const { count } = await sys.session.deleteMany({ where: { userId: params.userId, id: { not: params.currentSessionId } } });
  return { count };
}
