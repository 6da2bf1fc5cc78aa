import { z } from 'zod';
import {
  changeMemberRole,
  inviteMember,
  leaveTenant,
  listInvitations,
  listMembers,
  removeMember,
  resendInvitation,
  revokeInvitation,
} from '@conflux/core';
import { router, tenantProcedure } from '../trpc.ts';
import { emailSchema, roleSchema, uuid } from './schemas.ts';

/** Members and invitations of the active workspace. */
export const teamRouter = router({
  members: tenantProcedure.query(({ ctx }) => listMembers(ctx.db, ctx.actor)),
  invitations: tenantProcedure.query(({ ctx }) => listInvitations(ctx.db, ctx.actor)),
  invite: tenantProcedure
    .input(z.strictObject({ email: emailSchema, role: roleSchema }))
    .mutation(({ ctx, input }) => inviteMember(ctx.db, ctx.actor, { ...input, publicUrl: ctx.services.config.publicUrl })),
  resendInvitation: tenantProcedure
    .input(z.strictObject({ invitationId: uuid }))
    .mutation(({ ctx, input }) => resendInvitation(ctx.db, ctx.actor, { ...input, publicUrl: ctx.services.config.publicUrl })),
  revokeInvitation: tenantProcedure
    .input(z.strictObject({ invitationId: uuid }))
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db, ctx.actor, input)),
  changeRole: tenantProcedure
    .input(z.strictObject({ membershipId: uuid, role: roleSchema }))
    .mutation(({ ctx, input }) => changeMemberRole(ctx.db, ctx.actor, input)),
  removeMember: tenantProcedure
    .input(z.strictObject({ membershipId: uuid }))
    .mutation(({ ctx, input }) => removeMember(ctx.db, ctx.actor, input)),
  leave: tenantProcedure.mutation(({ ctx }) => leaveTenant(ctx.db, ctx.actor)),
});
