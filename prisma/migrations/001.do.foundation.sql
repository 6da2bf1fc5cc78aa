-- Foundation: identity (auth library), tenants, memberships, invitations, audit log, dev mail,
-- the two application roles and the tenant gate (row-level security on app.tenant_id).

DO $$
BEGIN
  -- The role every tenant-scoped query runs as: owns nothing, bypasses nothing.
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'conflux_app') THEN
    CREATE ROLE conflux_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
  -- The role of the system client (auth library, cross-tenant lookups, queue): owns nothing either.
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'conflux_system') THEN
    CREATE ROLE conflux_system LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO conflux_app, conflux_system;

-- The tenant of the current transaction, or NULL when the gate was not entered (then every policy is false).
CREATE FUNCTION app_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
GRANT EXECUTE ON FUNCTION app_current_tenant() TO conflux_app, conflux_system;

CREATE TYPE role AS ENUM ('owner', 'admin', 'member');
CREATE TYPE invitation_status AS ENUM ('pending', 'accepted', 'revoked');

CREATE TABLE "user" (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  email          text NOT NULL UNIQUE,
  email_verified boolean NOT NULL DEFAULT false,
  image          text,
  created_at     timestamptz(3) NOT NULL DEFAULT now(),
  updated_at     timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE session (
  id               text PRIMARY KEY,
  token            text NOT NULL UNIQUE,
  user_id          text NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  expires_at       timestamptz(3) NOT NULL,
  ip_address       text,
  user_agent       text,
  active_tenant_id uuid,
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  updated_at       timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX session_user_id_idx ON session(user_id);

CREATE TABLE account (
  id                       text PRIMARY KEY,
  account_id               text NOT NULL,
  provider_id              text NOT NULL,
  user_id                  text NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  access_token             text,
  refresh_token            text,
  id_token                 text,
  access_token_expires_at  timestamptz(3),
  refresh_token_expires_at timestamptz(3),
  scope                    text,
  password                 text,
  created_at               timestamptz(3) NOT NULL DEFAULT now(),
  updated_at               timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX account_user_id_idx ON account(user_id);

CREATE TABLE verification (
  id         text PRIMARY KEY,
  identifier text NOT NULL,
  value      text NOT NULL,
  expires_at timestamptz(3) NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX verification_identifier_idx ON verification(identifier);

CREATE TABLE rate_limit (
  id           text PRIMARY KEY,
  key          text NOT NULL UNIQUE,
  count        integer NOT NULL,
  last_request bigint NOT NULL
);

CREATE TABLE tenant (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE membership (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  user_id    text NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  role       role NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, user_id)
);
CREATE INDEX membership_user_id_idx ON membership(user_id);

CREATE TABLE invitation (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  email         text NOT NULL,
  role          role NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  status        invitation_status NOT NULL DEFAULT 'pending',
  invited_by_id text NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
  expires_at    timestamptz(3) NOT NULL,
  accepted_at   timestamptz(3),
  created_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX invitation_tenant_id_status_idx ON invitation(tenant_id, status);

CREATE TABLE audit_log (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  actor_user_id text,
  action        text NOT NULL,
  target        text,
  data          jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_id_created_at_idx ON audit_log(tenant_id, created_at);

CREATE TABLE dev_mail (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "from"      text NOT NULL,
  "to"        text NOT NULL,
  subject     text NOT NULL,
  text        text,
  html        text,
  received_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX dev_mail_received_at_idx ON dev_mail(received_at);

-- The tenant gate. FORCE makes the owner obey the policies too; conflux_app has no other way in.
ALTER TABLE tenant ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant USING (id = app_current_tenant()) WITH CHECK (id = app_current_tenant());

ALTER TABLE membership ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON membership
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE invitation ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitation FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invitation
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

-- Users are identity, not tenant data: inside a gate the app role sees only the members of that tenant.
ALTER TABLE "user" ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_of_current_tenant ON "user" FOR SELECT TO conflux_app
  USING (EXISTS (SELECT 1 FROM membership m WHERE m.user_id = "user".id AND m.tenant_id = app_current_tenant()));

GRANT SELECT, INSERT, UPDATE, DELETE ON tenant, membership, invitation, audit_log TO conflux_app;
GRANT SELECT ON "user" TO conflux_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO conflux_system;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO conflux_system;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO conflux_system;

-- The job queue's tables (schema graphile_worker) are row-secured and not granted to the app role: it may
-- only add jobs, through this function, inside its own transaction (so a job exists iff the work committed).
CREATE FUNCTION app_enqueue(task text, payload json, run_at timestamptz, max_attempts int, job_key text, priority int)
  RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  PERFORM graphile_worker.add_job(task, payload, run_at => run_at, max_attempts => max_attempts,
                                  job_key => job_key, priority => priority);
END
$$;
REVOKE ALL ON FUNCTION app_enqueue(text, json, timestamptz, int, text, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_enqueue(text, json, timestamptz, int, text, int) TO conflux_app, conflux_system;
