/** Roles as people read them. */
export type Role = 'owner' | 'admin' | 'member';

export const roleOptions: { value: Role; label: string; description: string }[] = [
  { value: 'member', label: 'Member', description: 'Members work with flows, connections and runs.' },
  { value: 'admin', label: 'Admin', description: 'Admins also invite people, remove members and manage workspace settings.' },
  { value: 'owner', label: 'Owner', description: 'Owners have full control, including changing roles and removing anyone.' },
];

export function roleLabel(role: Role): string {
  return roleOptions.find((r) => r.value === role)?.label ?? role;
}

export function roleDescription(role: Role): string {
  return roleOptions.find((r) => r.value === role)?.description ?? '';
}

/** Owners and admins manage people and settings. */
export function canManage(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'admin';
}
