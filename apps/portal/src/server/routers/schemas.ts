import { z } from 'zod';

/** Input schemas shared by routers. Ids are uuids; objects are strict, so unknown fields (an injected `tenantId`) are refused. */
export const uuid = z.uuid({ error: 'Not a valid id' });
export const roleSchema = z.enum(['owner', 'admin', 'member']);
export const tenantName = z.string().trim().min(1, 'Name the workspace').max(100, 'Workspace names can be at most 100 characters');
export const emailSchema = z.email('Enter a valid email address').max(254);
