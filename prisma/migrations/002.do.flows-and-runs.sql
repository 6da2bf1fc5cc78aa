-- Connections (encrypted credentials), flows and their immutable versions, webhook endpoints, events,
-- runs and step checkpoints. Everything here is tenant data behind the gate.

-- A per-tenant data key, wrapped (AES-256-GCM) by the master key named in master_key_id.
CREATE TABLE tenant_key (
  tenant_id     uuid PRIMARY KEY REFERENCES tenant(id) ON DELETE CASCADE,
  wrapped_key   bytea NOT NULL,
  master_key_id text NOT NULL,
  created_at    timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TYPE connection_status AS ENUM ('ok', 'needs_reconnect', 'error');

CREATE TABLE connection (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  connector_id  text NOT NULL,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  auth_kind     text NOT NULL,
  -- iv(12) || tag(16) || ciphertext of the JSON credentials, under the tenant's data key.
  secret        bytea,
  metadata      jsonb NOT NULL DEFAULT '{}',
  status        connection_status NOT NULL DEFAULT 'ok',
  status_reason text,
  -- For app webhooks: the provider's id of this account (e.g. a Stripe account id), to route events.
  routing_key   text,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  updated_at    timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);
CREATE INDEX connection_tenant_connector_idx ON connection(tenant_id, connector_id);
CREATE INDEX connection_routing_idx ON connection(connector_id, routing_key) WHERE routing_key IS NOT NULL;

CREATE TABLE connection_kv (
  tenant_id     uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  connection_id uuid NOT NULL REFERENCES connection(id) ON DELETE CASCADE,
  key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  value         jsonb NOT NULL,
  expires_at    timestamptz(3),
  updated_at    timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, key)
);
CREATE INDEX connection_kv_tenant_idx ON connection_kv(tenant_id);

CREATE TABLE flow (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  description       text NOT NULL DEFAULT '',
  enabled           boolean NOT NULL DEFAULT false,
  draft             jsonb NOT NULL,
  draft_updated_at  timestamptz(3) NOT NULL DEFAULT now(),
  published_version integer,
  created_at        timestamptz(3) NOT NULL DEFAULT now(),
  updated_at        timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX flow_tenant_idx ON flow(tenant_id, created_at);

CREATE TABLE flow_version (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  flow_id       uuid NOT NULL REFERENCES flow(id) ON DELETE CASCADE,
  version       integer NOT NULL CHECK (version > 0),
  definition    jsonb NOT NULL,
  created_by_id text,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (flow_id, version)
);
CREATE INDEX flow_version_tenant_idx ON flow_version(tenant_id);

CREATE TYPE webhook_auth_mode AS ENUM ('hmac', 'path_token');

-- The public door of a flow's webhook trigger: POST /hooks/:key. In 'path_token' mode the key itself is
-- the secret; in 'hmac' mode requests are signed with `secret` (encrypted like connection secrets).
CREATE TABLE webhook_endpoint (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  flow_id         uuid NOT NULL UNIQUE REFERENCES flow(id) ON DELETE CASCADE,
  key             text NOT NULL UNIQUE,
  auth_mode       webhook_auth_mode NOT NULL DEFAULT 'hmac',
  secret          bytea,
  created_at      timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoint_tenant_idx ON webhook_endpoint(tenant_id);

CREATE TABLE event (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  flow_id         uuid NOT NULL REFERENCES flow(id) ON DELETE CASCADE,
  source          text NOT NULL,
  source_event_id text,
  payload         jsonb NOT NULL,
  received_at     timestamptz(3) NOT NULL DEFAULT now()
);
-- An event with a provider id is stored once per flow, whatever the retries of the sender.
CREATE UNIQUE INDEX event_dedupe_idx ON event(tenant_id, flow_id, source_event_id) WHERE source_event_id IS NOT NULL;
CREATE INDEX event_tenant_idx ON event(tenant_id, received_at);

CREATE TYPE run_status AS ENUM ('queued', 'running', 'retrying', 'succeeded', 'failed', 'filtered', 'cancelled');

CREATE TABLE run (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  flow_id         uuid NOT NULL REFERENCES flow(id) ON DELETE CASCADE,
  flow_version_id uuid NOT NULL REFERENCES flow_version(id),
  event_id        uuid NOT NULL REFERENCES event(id) ON DELETE CASCADE,
  status          run_status NOT NULL DEFAULT 'queued',
  attempt         integer NOT NULL DEFAULT 0,
  error           jsonb,
  business_key    text,
  replay_of_id    uuid REFERENCES run(id) ON DELETE SET NULL,
  next_attempt_at timestamptz(3),
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  started_at      timestamptz(3),
  finished_at     timestamptz(3)
);
CREATE INDEX run_tenant_created_idx ON run(tenant_id, created_at DESC, id DESC);
CREATE INDEX run_tenant_flow_created_idx ON run(tenant_id, flow_id, created_at DESC, id DESC);
CREATE INDEX run_tenant_status_idx ON run(tenant_id, status, created_at DESC);
CREATE INDEX run_business_key_idx ON run(tenant_id, business_key) WHERE business_key IS NOT NULL;

CREATE TYPE step_status AS ENUM ('running', 'succeeded', 'failed', 'skipped');

CREATE TABLE run_step (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  run_id      uuid NOT NULL REFERENCES run(id) ON DELETE CASCADE,
  step_key    text NOT NULL,
  kind        text NOT NULL,
  status      step_status NOT NULL,
  attempt     integer NOT NULL DEFAULT 1,
  input       jsonb,
  output      jsonb,
  error       jsonb,
  started_at  timestamptz(3) NOT NULL DEFAULT now(),
  finished_at timestamptz(3),
  duration_ms integer,
  UNIQUE (run_id, step_key)
);
CREATE INDEX run_step_tenant_idx ON run_step(tenant_id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenant_key', 'connection', 'connection_kv', 'flow', 'flow_version', 'webhook_endpoint', 'event', 'run', 'run_step']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO conflux_app', t);
  END LOOP;
END
$$;
