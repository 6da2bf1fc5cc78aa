-- Devices over MQTT: the registry (credentials hashed with scrypt), telemetry, per-minute counters,
-- commands to devices (an outbox the MQTT app publishes from), fleet provisioning keys and per-tenant
-- device limits. Everything here is tenant data behind the gate.

CREATE TYPE device_payload_format AS ENUM ('json', 'raw');

CREATE TABLE device (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id             uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  type                  text NOT NULL DEFAULT '' CHECK (length(type) <= 60),
  tags                  text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
  payload_format        device_payload_format NOT NULL DEFAULT 'json',
  enabled               boolean NOT NULL DEFAULT true,
  -- MQTT credentials: the username is global (brokers know no tenants); the password is stored as
  -- scrypt$N$r$p$salt$hash and shown once. credential_version bumps on rotation, so sessions opened
  -- with the old password are closed.
  username              text NOT NULL UNIQUE,
  password_hash         text NOT NULL,
  credential_version    integer NOT NULL DEFAULT 1,
  online                boolean NOT NULL DEFAULT false,
  last_seen_at          timestamptz(3),
  malformed_count       bigint NOT NULL DEFAULT 0,
  last_malformed_at     timestamptz(3),
  last_malformed_reason text,
  created_at            timestamptz(3) NOT NULL DEFAULT now(),
  updated_at            timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);
CREATE INDEX device_tenant_idx ON device(tenant_id, created_at);
CREATE INDEX device_tenant_tags_idx ON device USING gin (tags);

-- Telemetry. The hottest table: written in multi-row batches, no foreign keys (a per-row check would cost
-- more than the whole insert); rows leave with their device (deleteDevice) or by retention.
CREATE TABLE device_message (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   uuid NOT NULL,
  device_id   uuid NOT NULL,
  topic       text NOT NULL,
  channel     text NOT NULL,
  -- Exactly one of payload (json devices) and raw (raw devices) is set.
  payload     jsonb,
  raw         bytea,
  size        integer NOT NULL,
  qos         integer NOT NULL DEFAULT 0,
  -- The MQTT packet id and a digest of the bytes, to recognise a retransmission after a reconnect.
  packet_id   integer,
  digest      bigint,
  received_at timestamptz(3) NOT NULL DEFAULT now()
);
-- "Last messages of a device" (ids grow per device, so id order is arrival order).
CREATE INDEX device_message_device_idx ON device_message(tenant_id, device_id, id DESC);
-- Retention deletes by age; BRIN is tiny and costs almost nothing on an append-only table.
CREATE INDEX device_message_received_brin ON device_message USING brin (received_at);

-- Messages and malformed messages per device and minute (the device page's chart), kept like telemetry.
CREATE TABLE device_stat_minute (
  tenant_id uuid NOT NULL,
  device_id uuid NOT NULL,
  minute    timestamptz(3) NOT NULL,
  messages  integer NOT NULL DEFAULT 0,
  malformed integer NOT NULL DEFAULT 0,
  bytes     bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (device_id, minute)
);
CREATE INDEX device_stat_minute_tenant_idx ON device_stat_minute(tenant_id, device_id, minute DESC);

CREATE TYPE device_command_status AS ENUM ('queued', 'sent', 'failed');

-- Commands to devices, written by flows (the mqtt connector's sendCommand) inside the tenant gate and
-- published by the MQTT app to t/{tenant}/d/{device}/down/{channel}. The idempotency key is the step's,
-- so a retried step queues its command once.
CREATE TABLE device_command (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  device_id       uuid NOT NULL REFERENCES device(id) ON DELETE CASCADE,
  channel         text NOT NULL,
  payload         bytea NOT NULL,
  qos             integer NOT NULL DEFAULT 1 CHECK (qos IN (0, 1)),
  idempotency_key text,
  status          device_command_status NOT NULL DEFAULT 'queued',
  attempts        integer NOT NULL DEFAULT 0,
  claimed_until   timestamptz(3),
  error           text,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  sent_at         timestamptz(3),
  UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX device_command_queued_idx ON device_command(created_at) WHERE status = 'queued';
CREATE INDEX device_command_device_idx ON device_command(tenant_id, device_id, created_at DESC);

-- Keys for provisioning devices by API (fleets). Only the SHA-256 of the key is stored: it is 32 random
-- bytes, so a slow hash adds nothing, and the lookup must be by index.
CREATE TABLE device_provisioning_key (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  key_hash      text NOT NULL UNIQUE,
  key_prefix    text NOT NULL,
  created_by_id text,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  last_used_at  timestamptz(3),
  revoked_at    timestamptz(3)
);
CREATE INDEX device_provisioning_key_tenant_idx ON device_provisioning_key(tenant_id, created_at);

-- Per-tenant device limits (set by plans later; NULL means the deployment's default).
CREATE TABLE device_quota (
  tenant_id           uuid PRIMARY KEY REFERENCES tenant(id) ON DELETE CASCADE,
  messages_per_second integer CHECK (messages_per_second > 0),
  retention_days      integer CHECK (retention_days > 0),
  updated_at          timestamptz(3) NOT NULL DEFAULT now()
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['device', 'device_message', 'device_stat_minute', 'device_command', 'device_provisioning_key', 'device_quota']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO conflux_app', t);
  END LOOP;
END
$$;
GRANT USAGE, SELECT ON SEQUENCE device_message_id_seq TO conflux_app, conflux_system;

-- The MQTT app keeps caches of devices and flows; these notifications (sent on commit) tell it at once
-- that a device was disabled, deleted or re-keyed (it disconnects the device), a flow changed, or a
-- command is waiting. It also polls, so a missed notification only delays.
CREATE FUNCTION device_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('conflux_device_change', json_build_object('tenantId', OLD.tenant_id, 'deviceId', OLD.id, 'op', 'delete')::text);
  ELSE
    PERFORM pg_notify('conflux_device_change', json_build_object('tenantId', NEW.tenant_id, 'deviceId', NEW.id, 'op', lower(TG_OP))::text);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER device_change_notify
  AFTER UPDATE OF enabled, password_hash, credential_version, payload_format, tags, name, type OR DELETE ON device
  FOR EACH ROW EXECUTE FUNCTION device_notify_change();

CREATE FUNCTION flow_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('conflux_flow_change', (CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END)::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER flow_change_notify AFTER INSERT OR UPDATE OR DELETE ON flow
  FOR EACH ROW EXECUTE FUNCTION flow_notify_change();

CREATE FUNCTION device_command_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('conflux_device_command', NEW.id::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER device_command_notify AFTER INSERT ON device_command
  FOR EACH ROW EXECUTE FUNCTION device_command_notify();

-- Many jobs of one task in one statement (graphile_worker.add_jobs), for batched ingestion. Like
-- app_enqueue, the app role's only door into the queue, inside its own transaction.
CREATE FUNCTION app_enqueue_many(task text, payloads json[], job_keys text[], max_attempts int)
  RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  PERFORM graphile_worker.add_jobs(
    array(SELECT ROW(task, p.payload, NULL, NULL, max_attempts, p.job_key, 0, NULL)::graphile_worker.job_spec
            FROM unnest(payloads, job_keys) AS p(payload, job_key)));
END
$$;
REVOKE ALL ON FUNCTION app_enqueue_many(text, json[], text[], int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_enqueue_many(text, json[], text[], int) TO conflux_app, conflux_system;
