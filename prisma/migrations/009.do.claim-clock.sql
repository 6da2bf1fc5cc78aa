-- A claim that began before a run's transaction could miss the run: its `ready_at` (that transaction's
-- start) was later than the claim's now() (the claim's own transaction start), so the tenant was taken out
-- of the rotation with the run still queued, until the next sweep (about a second later). Each look-up now
-- compares with the clock read just before it, after the tenant's row (and so the inserting transaction's
-- commit) was seen.
CREATE OR REPLACE FUNCTION claim_runs(p_worker text, p_limit integer, p_max_running integer DEFAULT NULL)
  RETURNS TABLE (run_id uuid, tenant_id uuid)
  LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  t record;
  candidate uuid;
  this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  claimed integer := 0;
  at_cap uuid[] := '{}';
  running integer;
  clock timestamptz;
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
    clock := clock_timestamp();
    SELECT c.id INTO candidate
      FROM (SELECT r.id, r.order_key, r.created_at, r.attempt
              FROM run r
             WHERE r.tenant_id = t.id AND r.status IN ('queued', 'retrying') AND r.ready_at <= clock
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
         WHERE run.tenant_id = t.id AND run.status = 'queued' AND run.attempt = 0 AND run.ready_at <= clock;
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
