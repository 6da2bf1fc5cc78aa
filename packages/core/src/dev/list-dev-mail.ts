import type { SystemDb } from '@conflux/db/system';

/** A mail caught by the development mail catcher. */
export interface DevMailDto {
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string | null;
  html: string | null;
  receivedAt: Date;
}

/** The newest caught mails, optionally for one recipient. Only used when the portal runs with the catcher. */
export async function listDevMail(sys: SystemDb, params: { to?: string; take?: number } = {}): Promise<DevMailDto[]> {
  return sys.devMail.findMany({
    where: params.to ? { to: { contains: params.to.toLowerCase(), mode: 'insensitive' } } : {},
    select: { id: true, from: true, to: true, subject: true, text: true, html: true, receivedAt: true },
    orderBy: { receivedAt: 'desc' },
    take: params.take ?? 50,
  });
}
