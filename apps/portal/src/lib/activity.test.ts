import { describe, expect, it } from 'vitest';
import { describeActivity } from './activity.ts';

const entry = (action: string, target: string | null) => ({ id: '1', action, target, actorName: 'Olga', at: new Date() });
const nobody = () => undefined;

describe('describeActivity', () => {
  it('names flows by name and never shows ids', () => {
    expect(describeActivity(entry('flow.created', 'Orders to ERP'), nobody)).toBe('created the flow “Orders to ERP”');
    expect(describeActivity(entry('flow.enabled', 'Orders to ERP'), nobody)).toBe('enabled the flow “Orders to ERP”');
    const published = describeActivity(entry('flow.published', '3f0c9a52-4a8e-4c1e-9d2b-0c5d5f1e2a11'), nobody);
    expect(published).toBe('published a new version of a flow');
    expect(describeActivity(entry('run.replayed', '3f0c9a52-4a8e-4c1e-9d2b-0c5d5f1e2a11'), nobody)).not.toMatch(/[0-9a-f]{8}-/);
  });

  it('names members through the lookup and invitations by email', () => {
    expect(describeActivity(entry('member.removed', 'user-1'), (id) => (id === 'user-1' ? 'Ben' : undefined))).toBe('removed Ben');
    expect(describeActivity(entry('invitation.created', 'ada@acme.test'), nobody)).toBe('invited ada@acme.test');
  });
});
