/** One audit-log entry as the dashboard receives it. */
export interface ActivityEntry {
  id: string;
  action: string;
  target: string | null;
  actorName: string | null;
  at: Date;
}

/**
 * The sentence for an activity entry, without the actor ("invited ada@acme.com"). Targets that are user
 * ids are named through `nameOf` (current members); other ids are never shown.
 */
export function describeActivity(entry: ActivityEntry, nameOf: (userId: string) => string | undefined): string {
  const email = entry.target && entry.target.includes('@') ? entry.target : null;
  const person = entry.target && !email ? nameOf(entry.target) : undefined;
  switch (entry.action) {
    case 'tenant.created':
      return 'created the workspace';
    case 'tenant.renamed':
      return 'renamed the workspace';
    case 'invitation.created':
      return email ? `invited ${email}` : 'sent an invitation';
    case 'invitation.accepted':
      return 'joined the workspace';
    case 'invitation.revoked':
      return email ? `withdrew the invitation for ${email}` : 'withdrew an invitation';
    case 'member.role_changed':
      return person ? `changed the role of ${person}` : 'changed a member’s role';
    case 'member.removed':
      return person ? `removed ${person}` : 'removed a member';
    case 'member.left':
      return 'left the workspace';
    case 'connection.created':
      return entry.target ? `added the connection “${entry.target}”` : 'added a connection';
    case 'connection.updated':
      return entry.target ? `changed the connection “${entry.target}”` : 'changed a connection';
    case 'connection.authorised':
      return entry.target ? `signed in the connection “${entry.target}”` : 'signed in a connection';
    case 'connection.deleted':
      return entry.target ? `deleted the connection “${entry.target}”` : 'deleted a connection';
    case 'flow.created':
      return entry.target ? `created the flow “${entry.target}”` : 'created a flow';
    case 'flow.published':
      return 'published a new version of a flow';
    case 'flow.enabled':
      return entry.target ? `enabled the flow “${entry.target}”` : 'enabled a flow';
    case 'flow.disabled':
      return entry.target ? `disabled the flow “${entry.target}”` : 'disabled a flow';
    case 'flow.deleted':
      return entry.target ? `deleted the flow “${entry.target}”` : 'deleted a flow';
    case 'run.replayed':
      return 'replayed a run';
    default:
      return entry.action.replace(/[._]/g, ' ');
  }
}
