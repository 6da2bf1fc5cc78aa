'use client';
import { useState, type FormEvent } from 'react';
import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Cpu, KeyRound, Plus } from 'lucide-react';
import { errorMessage } from '@/lib/errors';
import { canManage } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc';
import { useMe } from '@/lib/use-me';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Notice } from '@/components/ui/notice';
import { Select } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { CopyRow, CredentialsDialog, type ShownCredentials } from './credentials-dialog';

/** "3 min ago", "just now", or "never". */
export function ago(date: Date | string | null | undefined): string {
  if (!date) return 'never';
  const seconds = Math.round((Date.now() - new Date(date).getTime()) / 1000);
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(date).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** Online / offline / disabled as a badge. */
export function StatusBadge({ enabled, online }: { enabled: boolean; online: boolean }) {
  if (!enabled) return <Badge tone="neutral">Disabled</Badge>;
  return online ? (
    <Badge tone="success" icon={<span className="size-1.5 rounded-full bg-emerald-500" aria-hidden="true" />}>
      Online
    </Badge>
  ) : (
    <Badge tone="neutral" icon={<span className="size-1.5 rounded-full bg-zinc-400" aria-hidden="true" />}>
      Offline
    </Badge>
  );
}

export function DevicesView() {
  const trpc = useTRPC();
  const me = useMe();
  const role = me.activeTenant?.role ?? 'member';
  const devices = useQuery({ ...trpc.devices.list.queryOptions(), refetchInterval: 10_000 });
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ name: string; credentials: ShownCredentials } | null>(null);

  return (
    <>
      <PageHeader
        title="Devices"
        description="Sensors and machines that publish telemetry over MQTT and receive commands from your flows."
        actions={
          <Button icon={<Plus className="size-4" aria-hidden="true" />} onClick={() => setCreating(true)}>
            Add device
          </Button>
        }
      />
      <div className="space-y-6">
        <Card>
          <CardHeader title="Registry" description={devices.data ? `${devices.data.length} device${devices.data.length === 1 ? '' : 's'}` : 'Loading…'} />
          {devices.isPending ? (
            <div className="space-y-2 p-5">
              <Skeleton className="h-8 w-full" />
              <Skeleton className="h-8 w-full" />
            </div>
          ) : devices.error ? (
            <div className="p-5">
              <Notice tone="error">{errorMessage(devices.error)}</Notice>
            </div>
          ) : devices.data.length === 0 ? (
            <EmptyState
              icon={<Cpu aria-hidden="true" />}
              title="No devices yet"
              description="Add a device to get its MQTT credentials; its messages can then start flows."
              action={<Button onClick={() => setCreating(true)}>Add device</Button>}
            />
          ) : (
            <table className="w-full text-left text-[13px]">
              <thead>
                <tr className="border-b border-zinc-100 text-[12px] text-zinc-500">
                  <th className="px-5 py-2 font-medium">Device</th>
                  <th className="px-3 py-2 font-medium">Status</th>
                  <th className="px-3 py-2 font-medium">Tags</th>
                  <th className="px-3 py-2 font-medium">Last seen</th>
                  <th className="px-5 py-2 text-right font-medium">Malformed</th>
                </tr>
              </thead>
              <tbody>
                {devices.data.map((d) => (
                  <tr key={d.id} className="border-b border-zinc-100 last:border-0 hover:bg-zinc-50/60">
                    <td className="px-5 py-2.5">
                      <Link href={`/devices/${d.id}`} className="font-medium text-zinc-900 hover:text-indigo-600">
                        {d.name}
                      </Link>
                      <div className="text-[12px] text-zinc-500">
                        {d.type || 'device'} · {d.payloadFormat === 'json' ? 'JSON' : 'raw bytes'}
                      </div>
                    </td>
                    <td className="px-3 py-2.5">
                      <StatusBadge enabled={d.enabled} online={d.online} />
                    </td>
                    <td className="px-3 py-2.5">
                      <div className="flex flex-wrap gap-1">
                        {d.tags.map((t) => (
                          <Badge key={t} tone="accent">
                            {t}
                          </Badge>
                        ))}
                      </div>
                    </td>
                    <td className="px-3 py-2.5 text-zinc-600">{ago(d.lastSeenAt)}</td>
                    <td className={`px-5 py-2.5 text-right tabular-nums ${d.malformedCount ? 'text-red-700' : 'text-zinc-500'}`}>{d.malformedCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <ProvisioningKeys canManage={canManage(role)} />
      </div>
      <CreateDeviceDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(name, credentials) => {
          setCreating(false);
          setShown({ name, credentials });
        }}
      />
      <CredentialsDialog credentials={shown?.credentials ?? null} deviceName={shown?.name ?? ''} onClose={() => setShown(null)} />
    </>
  );
}

function CreateDeviceDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (name: string, credentials: ShownCredentials) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [type, setType] = useState('');
  const [tags, setTags] = useState('');
  const [format, setFormat] = useState<'json' | 'raw'>('json');
  const create = useMutation(
    trpc.devices.create.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.devices.list.queryKey() });
        onCreated(result.device.name, result.credentials);
        setName('');
        setType('');
        setTags('');
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, type: type || undefined, tags: tags.split(',').map((t) => t.trim()).filter(Boolean), payloadFormat: format });
  };
  return (
    <Dialog
      open={open}
      onClose={onClose}
      busy={create.isPending}
      title="Add a device"
      description="It gets its own MQTT username and password, shown once."
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" form="create-device" loading={create.isPending}>
            Create device
          </Button>
        </>
      }
    >
      <form id="create-device" onSubmit={submit} className="space-y-4">
        <Field label="Name" required>
          <Input value={name} onChange={(e) => setName(e.target.value)} placeholder="Boiler room sensor" maxLength={100} data-autofocus />
        </Field>
        <Field label="Type" hint="Free text, e.g. thermometer or door-lock.">
          <Input value={type} onChange={(e) => setType(e.target.value)} placeholder="thermometer" maxLength={60} />
        </Field>
        <Field label="Tags" hint="Comma-separated; flows can start on messages of a tag.">
          <Input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="building-a, floor-2" />
        </Field>
        <Field label="Payload format" hint="JSON messages are checked and parsed; raw messages are stored as bytes.">
          <Select value={format} onChange={(e) => setFormat(e.target.value as 'json' | 'raw')}>
            <option value="json">JSON</option>
            <option value="raw">Raw bytes</option>
          </Select>
        </Field>
        {create.error ? <Notice tone="error">{errorMessage(create.error)}</Notice> : null}
      </form>
    </Dialog>
  );
}

function ProvisioningKeys({ canManage }: { canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const keys = useQuery(trpc.devices.provisioningKeys.queryOptions());
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.devices.provisioningKeys.queryKey() });
  const create = useMutation(
    trpc.devices.createProvisioningKey.mutationOptions({
      onSuccess: async (result) => {
        setCreated(result.key);
        setName('');
        await refresh();
      },
    }),
  );
  const revoke = useMutation(
    trpc.devices.revokeProvisioningKey.mutationOptions({
      onSuccess: async () => {
        setRevoking(null);
        toast.show('Key revoked');
        await refresh();
      },
    }),
  );
  return (
    <Card>
      <CardHeader
        title="Provisioning keys"
        description={
          <>
            For fleets: <code className="font-mono text-[12px]">POST /devices/provision</code> on the gateway with <code className="font-mono text-[12px]">Authorization: Bearer &lt;key&gt;</code> registers a device and returns its credentials.
          </>
        }
      />
      <div className="space-y-4 px-5 py-4">
        {canManage ? (
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate({ name });
            }}
          >
            <Field label="Key name" className="min-w-60 flex-1">
              <Input value={name} onChange={(e) => setName(e.target.value)} placeholder="Factory line 3" maxLength={100} />
            </Field>
            <Button type="submit" variant="secondary" loading={create.isPending} icon={<KeyRound className="size-4" aria-hidden="true" />}>
              Create key
            </Button>
          </form>
        ) : (
          <p className="text-[13px] text-zinc-600">Owners and admins create and revoke provisioning keys.</p>
        )}
        {create.error ? <Notice tone="error">{errorMessage(create.error)}</Notice> : null}
        {created ? (
          <Notice tone="success" title="Copy the key now: it is not shown again.">
            <CopyRow label="Provisioning key" value={created} secret />
          </Notice>
        ) : null}
        {keys.data?.length ? (
          <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200">
            {keys.data.map((k) => (
              <li key={k.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-2.5 text-[13px]">
                <div>
                  <span className="font-medium text-zinc-900">{k.name}</span> <code className="font-mono text-[12px] text-zinc-500">{k.prefix}…</code>
                  <div className="text-[12px] text-zinc-500">
                    Created {ago(k.createdAt)} · last used {ago(k.lastUsedAt)}
                  </div>
                </div>
                {k.revokedAt ? (
                  <Badge tone="neutral">Revoked</Badge>
                ) : canManage ? (
                  <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setRevoking({ id: k.id, name: k.name })}>
                    Revoke
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <ConfirmDialog
        open={!!revoking}
        onClose={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate({ keyId: revoking.id })}
        title={`Revoke “${revoking?.name}”?`}
        description="Provisioning with this key stops at once. Devices it registered keep working."
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        error={revoke.error ? errorMessage(revoke.error) : null}
      />
    </Card>
  );
}
