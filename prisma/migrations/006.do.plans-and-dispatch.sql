-- Plans and their limits (as data), each tenant's account (plan, monthly usage, dispatch state), and the
-- fair run dispatcher: runs are their own queue (status queued/retrying, ready_at), claimed by worker
-- processes through claim_runs(), which gives each tenant with work a share of the workers weighted by its
-- plan and never more concurrent runs than its plan allows.

CREATE TABLE plan (
  id               text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{1,30}$'),
  name             text NOT NULL,
  position         integer NOT NULL,
  -- Runs started per calendar month (UTC); over it, new runs wait as quota_exceeded.
  runs_per_month   integer NOT NULL CHECK (runs_per_month >= 0),
  concurrent_runs  integer NOT NULL CHECK (concurrent_runs >= 1),
  -- Requests per second accepted by the webhook gateway for the tenant (bursts of twice that).
  webhook_rps      integer NOT NULL CHECK (webhook_rps >= 1),
  devices          integer NOT NULL CHECK (devices >= 0),
  -- Device messages per second accepted by each MQTT ingest process for the tenant (bursts of twice that).
  device_messages_per_second integer NOT NULL DEFAULT 100 CHECK (device_messages_per_second >= 1),
  retention_days   integer NOT NULL CHECK (retention_days >= 1),
  -- Share of the workers when tenants compete: a weight-4 tenant gets four runs started for each one of a weight-1 tenant.
  weight           integer NOT NULL CHECK (weight BETWEEN 1 AND 1000),
  price_cents      integer NOT NULL DEFAULT 0
);
INSERT INTO plan (id, name, position, runs_per_month, concurrent_runs, webhook_rps, devices, device_messages_per_second, retention_days, weight, price_cents) VALUES
  ('free',     'Free',     1,    10000,  5,  10,    25,  100,  7,  1,     0),
  ('pro',      'Pro',      2,   250000, 20,  50,   500, 1000, 30,  4,  4900),
  ('business', 'Business', 3,  5000000, 80, 250, 10000, 5000, 90, 16, 39900);

-- One row per tenant, written only by the platform (the app role reads its own).
CREATE TABLE tenant_account (
  tenant_id             uuid PRIMARY KEY REFERENCES tenant(id) ON DELETE CASCADE,
  plan_id               text NOT NULL DEFAULT 'free' REFERENCES plan(id),
  -- Runs started this month (first attempts: a retry is not a new run; a replay starts its run anew and counts).
  usage_month           date NOT NULL DEFAULT date_trunc('month', now() AT TIME ZONE 'UTC')::date,
  runs_this_month       integer NOT NULL DEFAULT 0,
  quota_notified_month  date,
  -- Dispatch state: whether runs may be waiting, and the virtual time of weighted fair queueing (advances
  -- 1/weight per started run). Running runs are counted, not kept in a counter here: a counter on this row
  -- would be updated by every finishing run and serialise a busy tenant's completions with its claims.
  pending               boolean NOT NULL DEFAULT false,
  vtime                 double precision NOT NULL DEFAULT 0
);
CREATE INDEX tenant_account_pending_idx ON tenant_account (vtime) WHERE pending;
ALTER TABLE tenant_account ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_account FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_account USING (tenant_id = app_current_tenant());
-- The dispatch triggers run as the owner (SECURITY DEFINER) inside tenants' transactions and compare
-- tenants with each other (the lowest virtual time): the owner, and only it, sees every row.
DO $$ BEGIN
  EXECUTE format('CREATE POLICY dispatch_owner ON tenant_account TO %I USING (true) WITH CHECK (true)', current_user);
END $$;
GRANT SELECT ON tenant_account TO conflux_app;
GRANT SELECT ON plan TO conflux_app;
INSERT INTO tenant_account (tenant_id) SELECT id FROM tenant;

CREATE FUNCTION tenant_account_create() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  INSERT INTO tenant_account (tenant_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER tenant_account_create AFTER INSERT ON tenant FOR EACH ROW EXECUTE FUNCTION tenant_account_create();

-- Runs: their place in the queue, who claimed them, per-flow or per-key ordering, and the sync they came from.
ALTER TYPE run_status ADD VALUE 'quota_exceeded' AFTER 'retrying';
ALTER TABLE run
  ADD COLUMN ready_at   timestamptz(3) NOT NULL DEFAULT now(),
  ADD COLUMN claimed_by text,
  ADD COLUMN order_key  text;
-- Claiming: a tenant's runs that may start, oldest first.
CREATE INDEX run_dispatch_idx ON run (tenant_id, ready_at, id) WHERE status IN ('queued', 'retrying');
-- Ordering: the earliest unfinished run of an order key.
CREATE INDEX run_order_idx ON run (tenant_id, order_key, created_at, id) WHERE order_key IS NOT NULL;
-- Rescue (running runs of workers that stopped beating) and the concurrency cap (a tenant's running runs).
CREATE INDEX run_running_idx ON run (tenant_id, claimed_by) WHERE status = 'running';

-- The system's virtual time when no tenant is pending: the lowest virtual time among pending tenants, as
-- last seen (advanced by dispatch_wake_due about once a second). A tenant coming back after a long idle
-- spell starts from here, not from the virtual time it left with, which would give it priority over
-- everyone for as many runs as the others started meanwhile.
CREATE TABLE dispatch_clock (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  vtime double precision NOT NULL DEFAULT 0
);
INSERT INTO dispatch_clock DEFAULT VALUES;

-- A tenant that has a run to start becomes pending; when it was idle, it joins the others at the lowest
-- virtual time among them (no credit hoarded while idle, no penalty either), and the workers are woken.
-- `always_lock` (new runs) share-locks the tenant's row even when it is pending already: a claim running
-- concurrently either finishes first (then the row is read again after it, and marked again if the claim
-- took it out of the rotation) or skips the tenant until this transaction commits, so a claim that could
-- not yet see the new run never leaves it stranded. A share lock, so that concurrent batches of one tenant
-- (device ingestion) do not queue behind each other. A finishing run needs none of it.
CREATE FUNCTION dispatch_mark_pending(p_tenants uuid[], p_always_lock boolean DEFAULT false) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  floor_vtime double precision;
  woke integer;
BEGIN
  SELECT coalesce(min(vtime), (SELECT c.vtime FROM dispatch_clock c)) INTO floor_vtime FROM tenant_account WHERE pending;
  UPDATE tenant_account SET pending = true, vtime = greatest(vtime, floor_vtime)
   WHERE tenant_id = ANY(p_tenants) AND NOT pending;
  GET DIAGNOSTICS woke = ROW_COUNT;
  IF woke > 0 THEN
    PERFORM pg_notify('conflux_runs', '');
  ELSIF p_always_lock THEN
    UPDATE tenant_account SET pending = true, vtime = greatest(vtime, floor_vtime)
     WHERE tenant_id IN (SELECT s.tenant_id FROM (SELECT a.tenant_id, a.pending FROM tenant_account a
                                                    WHERE a.tenant_id = ANY(p_tenants) FOR SHARE) s
                          WHERE NOT s.pending);
    IF FOUND THEN
      PERFORM pg_notify('conflux_runs', '');
    END IF;
  END IF;
END
$$;
REVOKE ALL ON FUNCTION dispatch_mark_pending(uuid[], boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dispatch_mark_pending(uuid[], boolean) TO conflux_system;

CREATE FUNCTION run_insert_dispatch() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  PERFORM dispatch_mark_pending(ARRAY(SELECT DISTINCT tenant_id FROM new_runs WHERE status IN ('queued', 'retrying')), true);
  RETURN NULL;
END
$$;
CREATE TRIGGER run_insert_dispatch AFTER INSERT ON run REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION run_insert_dispatch();

-- A run that finishes frees a slot (the tenant may have runs waiting for it: its cap, an order key), and a
-- run put back in the queue (a replay, a retry) is work: either way the tenant rejoins the rotation. For a
-- tenant already in it this changes nothing and takes no lock.
CREATE FUNCTION run_status_dispatch() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  IF OLD.status = 'running' OR NEW.status IN ('queued', 'retrying') THEN
    PERFORM dispatch_mark_pending(ARRAY[NEW.tenant_id]);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER run_status_dispatch AFTER UPDATE OF status ON run FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION run_status_dispatch();

-- Claims up to p_limit runs for worker p_worker, one at a time from the pending tenant with the lowest
-- virtual time that is under its concurrency cap; SKIP LOCKED lets several workers claim at once without
-- waiting on each other. A tenant over its monthly quota gets its new runs parked as quota_exceeded (and
-- its owners a mail, once a month) instead. Runs as the worker's role (conflux_system, which crosses tenants).
CREATE FUNCTION claim_runs(p_worker text, p_limit integer, p_max_running integer DEFAULT NULL)
  RETURNS TABLE (run_id uuid, tenant_id uuid)
  LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  t record;
  candidate uuid;
  this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  claimed integer := 0;
  at_cap uuid[] := '{}';
  running integer;
BEGIN
  WHILE claimed < p_limit LOOP
    SELECT a.tenant_id AS id, a.usage_month, a.runs_this_month, a.quota_notified_month,
           p.concurrent_runs, p.weight, p.runs_per_month
      INTO t
      FROM tenant_account a JOIN plan p ON p.id = a.plan_id
     WHERE a.pending AND a.tenant_id <> ALL(at_cap)
     ORDER BY a.vtime, a.tenant_id
     LIMIT 1
     FOR UPDATE OF a SKIP LOCKED;
    EXIT WHEN NOT FOUND;

    -- At its cap: passed over by this claim, still in the rotation (a finishing run frees a slot).
    -- p_max_running: slots a worker keeps for light tenants go only to tenants with fewer runs in progress.
    SELECT count(*) INTO running FROM run r WHERE r.tenant_id = t.id AND r.status = 'running';
    IF running >= least(t.concurrent_runs, coalesce(p_max_running, t.concurrent_runs)) THEN
      at_cap := at_cap || t.id;
      CONTINUE;
    END IF;

    IF t.usage_month <> this_month THEN
      UPDATE tenant_account SET usage_month = this_month, runs_this_month = 0 WHERE tenant_account.tenant_id = t.id;
      t.runs_this_month := 0;
    END IF;

    -- The oldest run that may start now: due, and first of its order key when the flow asks for ordering.
    -- Ordered runs are looked for among the first 100 due runs only, so a long ordered backlog costs a
    -- bounded scan; the tenant is woken again when a run finishes.
    SELECT c.id INTO candidate
      FROM (SELECT r.id, r.order_key, r.created_at, r.attempt
              FROM run r
             WHERE r.tenant_id = t.id AND r.status IN ('queued', 'retrying') AND r.ready_at <= now()
             ORDER BY r.ready_at, r.id
             LIMIT 100) c
     WHERE (c.order_key IS NULL OR NOT EXISTS (
              SELECT 1 FROM run e
               WHERE e.tenant_id = t.id AND e.order_key = c.order_key
                 AND e.status IN ('queued', 'retrying', 'running', 'quota_exceeded')
                 AND (e.created_at, e.id) < (c.created_at, c.id)))
       AND (c.attempt > 0 OR t.runs_this_month < t.runs_per_month)
     LIMIT 1;

    IF candidate IS NULL THEN
      IF t.runs_this_month >= t.runs_per_month THEN
        -- Over the quota: runs that never started wait, visibly, until the month turns or the plan changes.
        UPDATE run SET status = 'quota_exceeded'
         WHERE run.tenant_id = t.id AND run.status = 'queued' AND run.attempt = 0 AND run.ready_at <= now();
        IF t.quota_notified_month IS DISTINCT FROM this_month THEN
          UPDATE tenant_account SET quota_notified_month = this_month WHERE tenant_account.tenant_id = t.id;
          PERFORM graphile_worker.add_job('quota-exceeded', json_build_object('tenantId', t.id::text),
                                          job_key => 'quota-exceeded:' || t.id::text);
        END IF;
      END IF;
      -- Nothing it may start now: it leaves the rotation until a run arrives, finishes or falls due.
      UPDATE tenant_account SET pending = false WHERE tenant_account.tenant_id = t.id;
      CONTINUE;
    END IF;

    -- Claims of one tenant are serialised by its account row; the status is checked again in case the
    -- run was cancelled since the look-up.
    UPDATE run SET status = 'running', claimed_by = p_worker WHERE run.id = candidate AND run.status IN ('queued', 'retrying');
    IF NOT FOUND THEN
      CONTINUE;
    END IF;
    UPDATE tenant_account
       SET vtime = vtime + 1.0 / t.weight,
           runs_this_month = runs_this_month + (SELECT CASE WHEN attempt = 0 THEN 1 ELSE 0 END FROM run WHERE run.id = candidate)
     WHERE tenant_account.tenant_id = t.id;
    run_id := candidate;
    tenant_id := t.id;
    claimed := claimed + 1;
    RETURN NEXT;
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION claim_runs(text, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_runs(text, integer, integer) TO conflux_system;

-- Tenants whose runs became due (a retry's backoff ran out) or were left out by a race between a claim
-- and a concurrent insert rejoin the rotation; run by every worker process about once a second.
CREATE FUNCTION dispatch_wake_due() RETURNS integer
  LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  due uuid[];
BEGIN
  UPDATE dispatch_clock SET vtime = greatest(dispatch_clock.vtime, (SELECT min(a.vtime) FROM tenant_account a WHERE a.pending))
   WHERE EXISTS (SELECT 1 FROM tenant_account a WHERE a.pending);
  -- One index probe per idle tenant (LIMIT 1), whatever the size of the backlogs.
  SELECT array_agg(a.tenant_id) INTO due FROM tenant_account a
   CROSS JOIN LATERAL (SELECT 1 FROM run r WHERE r.tenant_id = a.tenant_id AND r.status IN ('queued', 'retrying') AND r.ready_at <= now() LIMIT 1) q
   WHERE NOT a.pending;
  IF due IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM dispatch_mark_pending(due);
  RETURN cardinality(due);
END
$$;
REVOKE ALL ON FUNCTION dispatch_wake_due() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dispatch_wake_due() TO conflux_system;

-- Runs parked over the quota go back to the queue when their tenant has headroom again (a new month, a
-- bigger plan). Returns how many were released.
CREATE FUNCTION release_quota_runs(p_tenant uuid DEFAULT NULL) RETURNS integer
  LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  released integer;
  this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
BEGIN
  -- Back in the queue in arrival order: their place is the time they were created.
  UPDATE run SET status = 'queued', ready_at = run.created_at
   WHERE run.status = 'quota_exceeded'
     AND (p_tenant IS NULL OR run.tenant_id = p_tenant)
     AND run.tenant_id IN (
       SELECT a.tenant_id FROM tenant_account a JOIN plan p ON p.id = a.plan_id
        WHERE a.usage_month < this_month OR a.runs_this_month < p.runs_per_month);
  GET DIAGNOSTICS released = ROW_COUNT;
  RETURN released;
END
$$;
REVOKE ALL ON FUNCTION release_quota_runs(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION release_quota_runs(uuid) TO conflux_system;

-- Sync flows: one state row per flow with a polling trigger (its cursor, the sync running now), one row
-- per sync pass (progress), and the records seen (key and content digest), so an unchanged record starts
-- no run and a changed one starts exactly one.
CREATE TYPE sync_status AS ENUM ('running', 'succeeded', 'failed');

CREATE TABLE sync_state (
  flow_id        uuid PRIMARY KEY REFERENCES flow(id) ON DELETE CASCADE,
  tenant_id      uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  cursor         jsonb,
  running_sync_id uuid,
  skipped_ticks  integer NOT NULL DEFAULT 0,
  updated_at     timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX sync_state_tenant_idx ON sync_state(tenant_id);

CREATE TABLE sync (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  flow_id          uuid NOT NULL REFERENCES flow(id) ON DELETE CASCADE,
  status           sync_status NOT NULL DEFAULT 'running',
  trigger_reason   text NOT NULL DEFAULT 'schedule',
  pages            integer NOT NULL DEFAULT 0,
  records_seen     integer NOT NULL DEFAULT 0,
  records_changed  integer NOT NULL DEFAULT 0,
  total_estimate   integer,
  error            jsonb,
  -- The worker running the pass: another may take over only once this one stopped beating.
  worker_id        text,
  started_at       timestamptz(3) NOT NULL DEFAULT now(),
  heartbeat_at     timestamptz(3) NOT NULL DEFAULT now(),
  finished_at      timestamptz(3)
);
CREATE INDEX sync_tenant_flow_idx ON sync(tenant_id, flow_id, started_at DESC);

CREATE TABLE sync_record (
  tenant_id   uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  flow_id     uuid NOT NULL REFERENCES flow(id) ON DELETE CASCADE,
  record_key  text NOT NULL,
  digest      text NOT NULL,
  seen_at     timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (flow_id, record_key)
);
CREATE INDEX sync_record_tenant_idx ON sync_record(tenant_id);

ALTER TABLE run ADD COLUMN sync_id uuid REFERENCES sync(id) ON DELETE SET NULL;
CREATE INDEX run_sync_idx ON run(sync_id, status) WHERE sync_id IS NOT NULL;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['sync_state', 'sync', 'sync_record'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO conflux_app', t);
  END LOOP;
END
$$;
