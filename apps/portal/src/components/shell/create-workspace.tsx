'use client';
import { useRef, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc';
import { checkRequired, focusFirstInvalid } from '@/lib/validate';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Notice } from '@/components/ui/notice';
import { useToast } from '@/components/ui/toast';

/** Creates a workspace (you become its owner), switches to it and opens its dashboard. */
function useCreateWorkspace(onDone?: () => void) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.me.createTenant.mutationOptions({
      onSuccess: async (tenant) => {
        await queryClient.invalidateQueries();
        router.push('/');
        router.refresh();
        toast.show(`Workspace “${tenant.name}” created`);
        onDone?.();
      },
    }),
  );
}

function WorkspaceNameForm({
  id,
  onSubmitName,
  pending,
  serverError,
  autoFocusMode,
  submitInside,
}: {
  id: string;
  onSubmitName: (name: string) => void;
  pending: boolean;
  serverError: string | null;
  autoFocusMode: 'react' | 'dialog';
  submitInside: boolean;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = checkRequired(name, 'Give the workspace a name.');
    setError(problem);
    if (problem) return focusFirstInvalid(formRef.current);
    onSubmitName(name.trim());
  }
  return (
    <form id={id} ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
      {serverError ? <Notice tone="error">{serverError}</Notice> : null}
      <Field label="Workspace name" required error={error} hint="Usually a company, team or client. You can rename it later.">
        <Input
          name="name"
          value={name}
          maxLength={100}
          placeholder="Acme Inc."
          autoComplete="organization"
          onChange={(e) => {
            setName(e.target.value);
            if (error) setError(null);
          }}
          autoFocus={autoFocusMode === 'react'}
          data-autofocus={autoFocusMode === 'dialog' ? true : undefined}
        />
      </Field>
      {submitInside ? (
        <Button type="submit" size="lg" className="w-full" loading={pending}>
          {pending ? 'Creating workspace…' : 'Create workspace'}
        </Button>
      ) : null}
    </form>
  );
}

export function CreateWorkspaceDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateWorkspace(onClose);
  const close = () => {
    create.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      busy={create.isPending}
      title="Create a workspace"
      description="A workspace has its own members, connections and flows. You will be its owner."
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="create-workspace-dialog" loading={create.isPending}>
            Create workspace
          </Button>
        </>
      }
    >
      <WorkspaceNameForm
        id="create-workspace-dialog"
        onSubmitName={(name) => create.mutate({ name })}
        pending={create.isPending}
        serverError={create.error ? errorMessage(create.error) : null}
        autoFocusMode="dialog"
        submitInside={false}
      />
    </Dialog>
  );
}

export function CreateWorkspaceInline() {
  const create = useCreateWorkspace();
  return (
    <WorkspaceNameForm
      id="create-first-workspace"
      onSubmitName={(name) => create.mutate({ name })}
      pending={create.isPending || create.isSuccess}
      serverError={create.error ? errorMessage(create.error) : null}
      autoFocusMode="react"
      submitInside
    />
  );
}
