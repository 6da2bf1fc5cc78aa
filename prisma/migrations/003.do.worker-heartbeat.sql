-- Liveness of job-runner workers. A worker that stops beating has its locked jobs freed by the
-- supervisor (graphile_worker.force_unlock_workers), so a crash delays runs by seconds, not hours.
CREATE TABLE worker_heartbeat (
  worker_id  text PRIMARY KEY,
  process_id text NOT NULL,
  beat_at    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX worker_heartbeat_beat_at_idx ON worker_heartbeat(beat_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON worker_heartbeat TO conflux_system;
