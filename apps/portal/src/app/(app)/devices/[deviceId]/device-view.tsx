'use client';
import { useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, KeyRound, Power, Send, Trash2 } from 'lucide-react';
import { errorMessage } from '@/lib/errors';
import { canManage } from '@/lib/roles';
import { useTRPC } from '@/lib/trpc';
import { useMe } from '@/lib/use-me';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Notice } from '@/components/ui/notice';
import { Select } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { CopyRow, CredentialsDialog, type ShownCredentials } from '../credentials-dialog';
import { ago, StatusBadge } from '../devices-view';
import { MessagesChart } from '../messages-chart';

function Stat({ label, value, tone }: { label: string; value: React.ReactNode; tone?: 'danger' }) {
  return (
    <div className="space-y-0.5">
      <div className="text-[12px] font-medium text-zinc-500">{label}</div>
      <div className={`text-lg font-semibold tabular-nums ${tone === 'danger' ? 'text-red-700' : 'text-zinc-900'}`}>{value}</div>
    </div>
  );
}

export function DeviceView({ deviceId }: { deviceId: string }) {
  const trpc = useTRPC();
  const me = useMe();
  const router = useRouter();
  const toast = useToast();
  const queryClient = useQueryClient();
  const page = useQuery({ ...trpc.devices.page.queryOptions({ deviceId, messages: 20 }), refetchInterval: 5000 });
  const [confirm, setConfirm] = useState<'delete' | 'disable' | 'rotate' | null>(null);
  const [shown, setShown] = useState<ShownCredentials | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.devices.pathKey() });

  const setEnabled = useMutation(
    trpc.devices.setEnabled.mutationOptions({
      onSuccess: async (d) => {
        setConfirm(null);
        toast.show(d.enabled ? 'Device enabled' : 'Device disabled and disconnected');
        await refresh();
      },
    }),
  );
  const rotate = useMutation(
    trpc.devices.rotateCredentials.mutationOptions({
      onSuccess: async (credentials) => {
        setConfirm(null);
        setShown(credentials);
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.devices.delete.mutationOptions({
      onSuccess: async () => {
        setConfirm(null);
        await refresh();
        toast.show('Device deleted');
        router.push('/devices');
      },
    }),
  );

  if (page.isPending) {
    return (
      <div className="space-y-4">
        <Skeleton className="h-10 w-64" />
        <Skeleton className="h-48 w-full" />
      </div>
    );
  }
  if (page.error) {
    return (
      <Card>
        <EmptyState title="This device cannot be shown" description={errorMessage(page.error)} action={<Link href="/devices">Back to devices</Link>} />
      </Card>
    );
  }
  const { device, perMinute, lastMessages, malformed, commands, messagesLastHour } = page.data;
  const admin = canManage(me.activeTenant?.role);

  return (
    <>
      <Link href="/devices" className="mb-3 inline-flex items-center gap-1 text-[13px] text-zinc-500 hover:text-zinc-800">
        <ArrowLeft className="size-3.5" aria-hidden="true" /> Devices
      </Link>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {device.name} <StatusBadge enabled={device.enabled} online={device.online} />
          </span>
        }
        description={
          <>
            {device.type || 'Device'} · {device.payloadFormat === 'json' ? 'JSON payloads' : 'raw payloads'}
            {device.tags.length ? ` · ${device.tags.join(', ')}` : ''}
          </>
        }
        actions={
          <>
            <Button variant="secondary" icon={<KeyRound className="size-4" aria-hidden="true" />} onClick={() => setConfirm('rotate')}>
              Rotate password
            </Button>
            <Button
              variant="secondary"
              icon={<Power className="size-4" aria-hidden="true" />}
              loading={setEnabled.isPending}
              onClick={() => (device.enabled ? setConfirm('disable') : setEnabled.mutate({ deviceId, enabled: true }))}
            >
              {device.enabled ? 'Disable' : 'Enable'}
            </Button>
            {admin ? (
              <Button variant="secondary" className="text-red-700 hover:bg-red-50" icon={<Trash2 className="size-4" aria-hidden="true" />} onClick={() => setConfirm('delete')}>
                Delete
              </Button>
            ) : null}
          </>
        }
      />
      <div className="space-y-6">
        <Card>
          <CardBody className="grid grid-cols-2 gap-4 sm:grid-cols-4">
            <Stat label="Status" value={!device.enabled ? 'Disabled' : device.online ? 'Online' : 'Offline'} />
            <Stat label="Last seen" value={ago(device.lastSeenAt)} />
            <Stat label="Messages, last hour" value={messagesLastHour.toLocaleString()} />
            <Stat label="Malformed" value={malformed.count.toLocaleString()} tone={malformed.count ? 'danger' : undefined} />
          </CardBody>
        </Card>
        {malformed.count ? (
          <Notice tone="warning" title={`${malformed.count.toLocaleString()} malformed message${malformed.count === 1 ? '' : 's'} (not stored)`}>
            Latest {ago(malformed.lastAt)}: {malformed.lastReason}
          </Notice>
        ) : null}
        <Card>
          <CardHeader title="Messages per minute" description="The last hour; malformed messages in red." />
          <CardBody>
            <MessagesChart points={perMinute} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Last messages" description={`The ${lastMessages.length} most recent, newest first.`} />
          {lastMessages.length === 0 ? (
            <EmptyState title="No messages yet" description={`Publish on ${device.topics.up} to see them here.`} />
          ) : (
            <ul className="divide-y divide-zinc-100">
              {lastMessages.map((m) => (
                <li key={m.id} className="px-5 py-2.5">
                  <div className="flex flex-wrap items-center gap-2 text-[12px] text-zinc-500">
                    <Badge tone="accent">{m.channel}</Badge>
                    <span>{new Date(m.receivedAt).toLocaleTimeString()}</span>
                    <span>· {m.size.toLocaleString()} bytes</span>
                    <span>· QoS {m.qos}</span>
                    {m.format === 'raw' ? <span>· base64</span> : null}
                  </div>
                  <pre className="mt-1 overflow-x-auto font-mono text-[12px] text-zinc-800">
                    {m.preview}
                    {m.truncated ? '…' : ''}
                  </pre>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <SendCommand deviceId={deviceId} disabled={!device.enabled} commands={commands} />
        <Card>
          <CardHeader title="Connection" description="Where and how this device connects." />
          <CardBody className="space-y-3">
            <CopyRow label="Username" value={device.username} />
            <CopyRow label="Publish telemetry on" value={device.topics.up} />
            <CopyRow label="Subscribe to commands on" value={device.topics.down.replace('{channel}', '#')} />
          </CardBody>
        </Card>
      </div>
      <ConfirmDialog
        open={confirm === 'disable'}
        onClose={() => setConfirm(null)}
        onConfirm={() => setEnabled.mutate({ deviceId, enabled: false })}
        title={`Disable ${device.name}?`}
        description="Its connection is closed at once and it cannot connect again until you enable it. Its messages stop being stored."
        confirmLabel="Disable device"
        pending={setEnabled.isPending}
        error={setEnabled.error ? errorMessage(setEnabled.error) : null}
      />
      <ConfirmDialog
        open={confirm === 'rotate'}
        onClose={() => setConfirm(null)}
        onConfirm={() => rotate.mutate({ deviceId })}
        title="Issue a new password?"
        description="The current password stops working now and the device is disconnected; configure it with the new one."
        confirmLabel="Rotate password"
        tone="primary"
        pending={rotate.isPending}
        error={rotate.error ? errorMessage(rotate.error) : null}
      />
      <ConfirmDialog
        open={confirm === 'delete'}
        onClose={() => setConfirm(null)}
        onConfirm={() => remove.mutate({ deviceId })}
        title={`Delete ${device.name}?`}
        description="The device is disconnected and removed with all its stored messages. This cannot be undone."
        confirmLabel="Delete device"
        pending={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
      />
      <CredentialsDialog credentials={shown} deviceName={device.name} onClose={() => setShown(null)} />
    </>
  );
}

function SendCommand({ deviceId, disabled, commands }: { deviceId: string; disabled: boolean; commands: { id: string; channel: string; status: string; createdAt: Date; sentAt: Date | null }[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [channel, setChannel] = useState('');
  const [payload, setPayload] = useState('');
  const [qos, setQos] = useState<0 | 1>(1);
  const [parseError, setParseError] = useState<string | null>(null);
  const send = useMutation(
    trpc.devices.sendCommand.mutationOptions({
      onSuccess: async () => {
        setPayload('');
        await queryClient.invalidateQueries({ queryKey: trpc.devices.page.queryKey({ deviceId, messages: 20 }) });
      },
    }),
  );
  return (
    <Card>
      <CardHeader title="Commands" description="Published on the device’s down topic; flows send them with the MQTT connector’s “Send command to device”." />
      <CardBody className="space-y-4">
        <form
          className="grid gap-3 sm:grid-cols-[10rem_1fr_6rem_auto] sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            let value: unknown = payload;
            try {
              value = JSON.parse(payload);
            } catch {
              // Not JSON: sent as text.
            }
            setParseError(payload ? null : 'Write a command');
            if (payload) send.mutate({ deviceId, channel, payload: value as never, qos });
          }}
        >
          <Field label="Channel">
            <Input value={channel} onChange={(e) => setChannel(e.target.value)} placeholder="valve" maxLength={200} />
          </Field>
          <Field label="Payload" error={parseError}>
            <Input value={payload} onChange={(e) => setPayload(e.target.value)} placeholder='{"open": false}' className="font-mono" />
          </Field>
          <Field label="QoS">
            <Select value={qos} onChange={(e) => setQos(Number(e.target.value) as 0 | 1)}>
              <option value={1}>1</option>
              <option value={0}>0</option>
            </Select>
          </Field>
          <Button type="submit" variant="secondary" disabled={disabled} loading={send.isPending} icon={<Send className="size-4" aria-hidden="true" />}>
            Send
          </Button>
        </form>
        {send.error ? <Notice tone="error">{errorMessage(send.error)}</Notice> : null}
        {commands.length ? (
          <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 text-[13px]">
            {commands.map((c) => (
              <li key={c.id} className="flex items-center justify-between px-4 py-2">
                <span>
                  <Badge tone="accent">{c.channel}</Badge> <span className="text-zinc-500">{ago(c.createdAt)}</span>
                </span>
                <Badge tone={c.status === 'sent' ? 'success' : c.status === 'failed' ? 'danger' : 'warning'}>{c.status}</Badge>
              </li>
            ))}
          </ul>
        ) : null}
      </CardBody>
    </Card>
  );
}
