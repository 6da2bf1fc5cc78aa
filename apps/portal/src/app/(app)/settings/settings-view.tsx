'use client';
import { useRef, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '@/lib/errors';
import { formatDate } from '@/lib/format';
import { canManage, roleDescription, roleLabel } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc';
import { checkRequired, focusFirstInvalid } from '@/lib/validate';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardFooter, CardHeader } from '@/components/ui/card';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { LoadError } from '@/components/load-error';

export function SettingsView() {
  const trpc = useTRPC();
  const tenant = useQuery(trpc.tenant.get.queryOptions());

  return (
    <>
      <PageHeader title="Settings" description="How this workspace is named and who you are in it." />
      {tenant.error ? (
        <LoadError title="Settings could not be loaded" query={tenant} />
      ) : !tenant.data ? (
        <Card aria-busy="true" aria-label="Loading settings">
          <CardBody className="space-y-3">
            <Skeleton className="h-4 w-32" />
            <Skeleton className="h-9 w-full max-w-md" />
          </CardBody>
        </Card>
      ) : (
        <div className="space-y-6">
          <RenameWorkspace key={tenant.data.name} name={tenant.data.name} editable={canManage(tenant.data.yourRole)} />
          <Card>
            <CardHeader title="About this workspace" />
            <CardBody>
              <dl className="grid gap-x-6 gap-y-4 text-[13px] sm:grid-cols-[10rem_1fr]">
                <dt className="text-zinc-500">Your role</dt>
                <dd className="space-y-1">
                  <Badge tone={tenant.data.yourRole === 'owner' ? 'accent' : 'neutral'}>{roleLabel(tenant.data.yourRole)}</Badge>
                  <p className="text-zinc-500">{roleDescription(tenant.data.yourRole)}</p>
                </dd>
                <dt className="text-zinc-500">Created</dt>
                <dd className="text-zinc-900">{formatDate(tenant.data.createdAt)}</dd>
                <dt className="text-zinc-500">Workspace ID</dt>
                <dd className="font-mono text-xs break-all text-zinc-700">{tenant.data.id}</dd>
              </dl>
            </CardBody>
          </Card>
        </div>
      )}
    </>
  );
}

function RenameWorkspace({ name, editable }: { name: string; editable: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const toast = useToast();
  const formRef = useRef<HTMLFormElement>(null);
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | null>(null);

  const rename = useMutation(
    trpc.tenant.rename.mutationOptions({
      onSuccess: async (tenant) => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.tenant.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.me.pathKey() }),
        ]);
        router.refresh();
        toast.show(`Workspace renamed to “${tenant.name}”`);
      },
      onError: (failure) => setError(errorMessage(failure)),
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = checkRequired(value, 'Give the workspace a name.');
    setError(problem);
    if (problem) return focusFirstInvalid(formRef.current);
    rename.mutate({ name: value.trim() });
  }

  const changed = value.trim() !== name;
  return (
    <Card>
      <form ref={formRef} onSubmit={onSubmit} noValidate>
        <CardHeader title="Workspace name" description="Shown to everyone in the workspace and in invitation emails." />
        <CardBody>
          <Field
            label="Name"
            required={editable}
            error={error}
            hint={editable ? 'Up to 100 characters.' : 'Only owners and admins can rename the workspace.'}
            className="max-w-md"
          >
            <Input
              name="name"
              value={value}
              maxLength={100}
              disabled={!editable}
              autoComplete="organization"
              onChange={(e) => {
                setValue(e.target.value);
                if (error) setError(null);
              }}
            />
          </Field>
        </CardBody>
        {editable ? (
          <CardFooter>
            <p className="text-[13px] text-zinc-500">{changed ? 'You have unsaved changes.' : 'Changes apply for everyone right away.'}</p>
            <div className="flex gap-2">
              {changed ? (
                <Button variant="ghost" onClick={() => setValue(name)} disabled={rename.isPending}>
                  Cancel
                </Button>
              ) : null}
              <Button type="submit" loading={rename.isPending} disabled={!changed}>
                Save
              </Button>
            </div>
          </CardFooter>
        ) : null}
      </form>
    </Card>
  );
}
