'use client';
import { useState } from 'react';
import { Check, Copy } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Notice } from '@/components/ui/notice';

/** Device credentials as the API returns them, once. */
export interface ShownCredentials {
  username: string;
  password: string;
  clientId: string;
  topics: { up: string; down: string };
  brokerUrl: string | null;
}

/** A value with a copy button. */
export function CopyRow({ label, value, secret = false }: { label: string; value: string; secret?: boolean }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-1">
      <div className="text-[12px] font-medium text-zinc-500">{label}</div>
      <div className="flex items-center gap-2">
        <code className={`min-w-0 flex-1 truncate rounded-md border border-zinc-200 bg-zinc-50 px-2.5 py-1.5 font-mono text-[12.5px] ${secret ? 'text-indigo-700' : 'text-zinc-800'}`} title={value}>
          {value}
        </code>
        <Button
          size="sm"
          variant="secondary"
          aria-label={`Copy ${label.toLowerCase()}`}
          icon={copied ? <Check className="size-3.5" aria-hidden="true" /> : <Copy className="size-3.5" aria-hidden="true" />}
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            });
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
    </div>
  );
}

/** Shows a device's MQTT credentials once (after creation or rotation), each with a copy button. */
export function CredentialsDialog({ credentials, deviceName, onClose }: { credentials: ShownCredentials | null; deviceName: string; onClose: () => void }) {
  return (
    <Dialog
      open={!!credentials}
      onClose={onClose}
      title={`Credentials for ${deviceName}`}
      description="Configure the device with these. The password is shown only now: Conflux keeps just a hash of it."
      className="w-[min(36rem,calc(100vw-2rem))]"
      footer={
        <Button onClick={onClose} data-autofocus>
          I have saved the password
        </Button>
      }
    >
      {credentials ? (
        <div className="space-y-3">
          {credentials.brokerUrl ? <CopyRow label="Broker" value={credentials.brokerUrl} /> : null}
          <CopyRow label="Username" value={credentials.username} />
          <CopyRow label="Password" value={credentials.password} secret />
          <CopyRow label="Client id" value={credentials.clientId} />
          <CopyRow label="Publish telemetry on" value={credentials.topics.up} />
          <CopyRow label="Subscribe to commands on" value={credentials.topics.down.replace('{channel}', '#')} />
          <Notice tone="warning">Replace {'{channel}'} with a channel name such as temperature. The device may publish and subscribe on its own topics only.</Notice>
        </div>
      ) : null}
    </Dialog>
  );
}
