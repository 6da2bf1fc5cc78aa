'use client';
import { useRef, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { UserPlus } from 'lucide-react';
import { appCodeOf, errorMessage } from '@/lib/errors';
import { roleDescription, roleOptions, type Role } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc';
import { checkEmail, focusFirstInvalid } from '@/lib/validate';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Notice } from '@/components/ui/notice';
import { Select } from '@/components/ui/select';
import { useToast } from '@/components/ui/toast';
import { useRefreshTeam } from './use-team';

/** Invite by email with a role. Admins can invite members and admins; owners also owners. */
export function InviteForm({ actorRole }: { actorRole: Role }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refreshTeam = useRefreshTeam();
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [emailError, setEmailError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const invite = useMutation(
    trpc.team.invite.mutationOptions({
      onSuccess: async (invitation) => {
        setEmail('');
        setRole('member');
        toast.show(`Invitation sent to ${invitation.email}`);
        await refreshTeam();
      },
      onError: (error) => {
        const code = appCodeOf(error);
        if (code === 'ALREADY_INVITED' || code === 'ALREADY_MEMBER') {
          setEmailError(errorMessage(error));
          focusFirstInvalid(formRef.current);
        } else {
          setFormError(errorMessage(error));
        }
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const problem = checkEmail(email);
    setEmailError(problem);
    if (problem) return focusFirstInvalid(formRef.current);
    invite.mutate({ email: email.trim(), role });
  }

  const options = roleOptions.filter((o) => o.value !== 'owner' || actorRole === 'owner');
  return (
    <Card>
      <CardHeader title="Invite people" description="They get an email with a link to join. Invitations are valid for 7 days." />
      <CardBody>
        <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-3">
          {formError ? <Notice tone="error">{formError}</Notice> : null}
          <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_9rem] lg:grid-cols-[minmax(0,1fr)_10rem_auto] sm:items-start">
            <Field label="Email address" required error={emailError}>
              <Input
                name="email"
                type="email"
                inputMode="email"
                autoComplete="off"
                placeholder="teammate@company.com"
                value={email}
                onChange={(e) => {
                  setEmail(e.target.value);
                  if (emailError) setEmailError(null);
                }}
              />
            </Field>
            <Field label="Role">
              <Select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </Select>
            </Field>
            <div className="space-y-1.5 sm:col-span-2 lg:col-span-1">
              {/* Keeps the button level with the inputs next to it. */}
              <span className="hidden text-[13px] lg:block" aria-hidden="true">
                &nbsp;
              </span>
              <Button type="submit" loading={invite.isPending} icon={<UserPlus className="size-4" aria-hidden="true" />} className="w-full sm:w-auto">
                Send invite
              </Button>
            </div>
          </div>
          <p className="text-[13px] text-zinc-500">{roleDescription(role)}</p>
        </form>
      </CardBody>
    </Card>
  );
}
