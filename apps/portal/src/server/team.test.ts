// Teams through the real procedures: invitations by mail, roles, the last-owner rule, switching tenants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.ts';
import { createCaller } from './root.ts';
import type { Services } from './services.ts';
import { firstUrl, queuedMails, signUpAndSignIn, testServices, type SignedInUser } from './testing.ts';

let db: TestDatabase;
let services: Services;
let owner: pg.Client;
let olivia: SignedInUser;

const as = async (user: SignedInUser) => createCaller(await user.context());
const tokenFromMail = async (to: string) => {
  const mails = (await queuedMails(db.ownerUrl, to)).filter((m) => m.subject.includes('invited you'));
  return firstUrl(mails.at(-1)!.text).split('/invite/')[1]!;
};

beforeAll(async () => {
  db = await createTestDatabase();
  services = testServices(db);
  owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  olivia = await signUpAndSignIn(services, { name: 'Olivia Owner', email: 'olivia@acme.test', workspaceName: 'Acme' });
});
afterAll(async () => {
  await owner.end();
  await services.close();
  await db.close();
});

describe('invitations', () => {
  it('invite → mail → accept: both see the workspace, and the link works once', async () => {
    const invited = await (await as(olivia)).team.invite({ email: 'Ben@Acme.test', role: 'admin' });
    expect(invited).toMatchObject({ email: 'ben@acme.test', role: 'admin', status: 'pending' });
    const token = await tokenFromMail('ben@acme.test');

    const ben = await signUpAndSignIn(services, { name: 'Ben Admin', email: 'ben@acme.test', workspaceName: 'Ben Solo' });
    const preview = await (await as(ben)).me.invitation({ token });
    expect(preview).toMatchObject({ tenantName: 'Acme', inviterName: 'Olivia Owner', role: 'admin', state: 'pending' });
    const accepted = await (await as(ben)).me.acceptInvitation({ token });
    expect(accepted.tenantName).toBe('Acme');

    const benMe = await (await as(ben)).me.get();
    expect(benMe.activeTenant).toMatchObject({ name: 'Acme', role: 'admin' });
    expect(benMe.tenants.map((t) => t.name).sort()).toEqual(['Acme', 'Ben Solo']);
    const members = await (await as(olivia)).team.members();
    expect(members.map((m) => [m.email, m.role])).toEqual([
      ['olivia@acme.test', 'owner'],
      ['ben@acme.test', 'admin'],
    ]);

    await expect((await as(ben)).me.acceptInvitation({ token })).rejects.toMatchObject({ code: 'CONFLICT', message: 'This invitation has already been used.' });
    expect((await (await as(ben)).me.invitation({ token })).state).toBe('accepted');
  });

  it('refuses a second pending invitation and inviting a member', async () => {
    const o = await as(olivia);
    await o.team.invite({ email: 'carol@acme.test', role: 'member' });
    await expect(o.team.invite({ email: 'carol@acme.test', role: 'member' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/pending invitation/) });
    await expect(o.team.invite({ email: 'ben@acme.test', role: 'member' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already a member/) });
  });

  it('an invitation for another address, a revoked one and an expired one are refused', async () => {
    const o = await as(olivia);
    const dave = await signUpAndSignIn(services, { name: 'Dave', email: 'dave@acme.test' });
    await o.team.invite({ email: 'someone-else@acme.test', role: 'member' });
    const foreign = await tokenFromMail('someone-else@acme.test');
    await expect((await as(dave)).me.acceptInvitation({ token: foreign })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/sent to someone-else@acme.test/) });

    const forDave = await o.team.invite({ email: 'dave@acme.test', role: 'member' });
    const daveToken = await tokenFromMail('dave@acme.test');
    await o.team.revokeInvitation({ invitationId: forDave.id });
    await expect((await as(dave)).me.acceptInvitation({ token: daveToken })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/withdrawn/) });

    const again = await o.team.invite({ email: 'dave@acme.test', role: 'member' });
    const expiredToken = await tokenFromMail('dave@acme.test');
    await owner.query(`UPDATE invitation SET expires_at = now() - interval '1 second' WHERE id = $1`, [again.id]);
    await expect((await as(dave)).me.acceptInvitation({ token: expiredToken })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringMatching(/expired/) });
    expect((await o.team.invitations()).find((i) => i.id === again.id)?.expired).toBe(true);

    // Resending issues a fresh link and the old one stops working.
    await o.team.resendInvitation({ invitationId: again.id });
    const fresh = await tokenFromMail('dave@acme.test');
    expect(fresh).not.toBe(expiredToken);
    await expect((await as(dave)).me.acceptInvitation({ token: expiredToken })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await (await as(dave)).me.acceptInvitation({ token: fresh });
    expect((await (await as(dave)).me.get()).activeTenant?.name).toBe('Acme');
  });

  it('members cannot invite; admins cannot invite owners', async () => {
    const dave = await signIn('dave@acme.test');
    await expect((await as(dave)).team.invite({ email: 'x@acme.test', role: 'member' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const ben = await signIn('ben@acme.test');
    await expect((await as(ben)).team.invite({ email: 'x@acme.test', role: 'owner' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await (await as(ben)).team.invite({ email: 'x@acme.test', role: 'member' });
  });
});

/** Signs in and switches the new session to Acme (a new session starts in the user's first workspace). */
async function signIn(email: string) {
  const { signIn: login } = await import('./testing.ts');
  const user = await login(services, { email, password: 'correct-horse-battery' });
  const caller = await as(user);
  const acme = (await caller.me.get()).tenants.find((t) => t.name === 'Acme');
  if (acme) await caller.me.switchTenant({ tenantId: acme.id });
  return user;
}

describe('roles and the last owner', () => {
  it('the only owner can neither demote themself nor leave', async () => {
    const o = await as(olivia);
    const me = (await o.team.members()).find((m) => m.isYou)!;
    await expect(o.team.changeRole({ membershipId: me.membershipId, role: 'admin' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/at least one owner/) });
    await expect(o.team.leave()).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/last owner/) });
  });

  it('admins remove members only; owners change roles; a second owner lets the first step down', async () => {
    const ben = await signIn('ben@acme.test');
    const members = await (await as(olivia)).team.members();
    const oliviaM = members.find((m) => m.email === 'olivia@acme.test')!;
    const benM = members.find((m) => m.email === 'ben@acme.test')!;
    await expect((await as(ben)).team.removeMember({ membershipId: oliviaM.membershipId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect((await as(ben)).team.changeRole({ membershipId: benM.membershipId, role: 'owner' })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    await (await as(olivia)).team.changeRole({ membershipId: benM.membershipId, role: 'owner' });
    await (await as(olivia)).team.changeRole({ membershipId: oliviaM.membershipId, role: 'member' });
    expect((await (await as(olivia)).me.get()).activeTenant?.role).toBe('member');
    // Ben is now the only owner.
    await expect((await as(ben)).team.changeRole({ membershipId: benM.membershipId, role: 'admin' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await (await as(ben)).team.changeRole({ membershipId: oliviaM.membershipId, role: 'owner' });
  });

  it('two owners demoting each other at once cannot leave the workspace ownerless', async () => {
    const ben = await signIn('ben@acme.test');
    const members = await (await as(olivia)).team.members();
    const oliviaM = members.find((m) => m.email === 'olivia@acme.test')!;
    const benM = members.find((m) => m.email === 'ben@acme.test')!;
    const [a, b] = await Promise.allSettled([
      (await as(olivia)).team.changeRole({ membershipId: benM.membershipId, role: 'member' }),
      (await as(ben)).team.changeRole({ membershipId: oliviaM.membershipId, role: 'member' }),
    ]);
    const owners = await owner.query(`SELECT count(*)::int AS n FROM membership WHERE tenant_id = (SELECT tenant_id FROM membership WHERE id = $1) AND role = 'owner'`, [oliviaM.membershipId]);
    expect(owners.rows[0].n).toBeGreaterThanOrEqual(1);
    expect([a.status, b.status]).toContain('fulfilled');
  });

  it('a removed member loses access at once and lands in their own workspace', async () => {
    const dave = await signIn('dave@acme.test');
    const acmeOwner = (await (await as(olivia)).team.members()).find((m) => m.role === 'owner')!;
    const ownerUser = acmeOwner.email === 'olivia@acme.test' ? olivia : await signIn(acmeOwner.email);
    const daveM = (await (await as(ownerUser)).team.members()).find((m) => m.email === 'dave@acme.test')!;
    await (await as(ownerUser)).team.removeMember({ membershipId: daveM.membershipId });
    const after = await (await as(dave)).me.get();
    expect(after.tenants.map((t) => t.name)).not.toContain('Acme');
    expect(after.activeTenant?.name).toBe("Dave's workspace");
    expect((await (await as(dave)).team.members()).map((m) => m.email)).toEqual(['dave@acme.test']);
  });
});

describe('several workspaces', () => {
  it('creates and switches between workspaces; switching to a foreign one is NOT_FOUND', async () => {
    const o = await as(olivia);
    const created = await o.me.createTenant({ name: 'Acme Labs' });
    expect((await (await as(olivia)).tenant.get()).name).toBe('Acme Labs');
    const acme = (await (await as(olivia)).me.get()).tenants.find((t) => t.name === 'Acme')!;
    await (await as(olivia)).me.switchTenant({ tenantId: acme.id });
    expect((await (await as(olivia)).tenant.get()).name).toBe('Acme');
    const ben = await signIn('ben@acme.test');
    await expect((await as(ben)).me.switchTenant({ tenantId: created.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lists and revokes sessions of the signed-in user only', async () => {
    const second = await signIn('olivia@acme.test');
    const sessions = await (await as(olivia)).me.sessions();
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current)!;
    await (await as(olivia)).me.revokeSession({ sessionId: other.id });
    expect((await second.context()).session === null || other.id !== (await second.context()).session?.id).toBe(true);
    const { count } = await (await as(olivia)).me.revokeOtherSessions();
    expect(count).toBeGreaterThanOrEqual(0);
    expect((await second.context()).session).toBeNull();
    expect((await (await as(olivia)).me.sessions()).length).toBe(1);
  });
});
