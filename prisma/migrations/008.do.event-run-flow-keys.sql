-- Events and runs point at their flow and their tenant with one foreign key instead of two: (tenant_id,
-- flow_id) → flow (tenant_id, id). Every insert checks each foreign key with a query of its own, row by row;
-- device ingestion writes an event and a run per matching message, and these checks were the largest part of
-- its cost. Nothing is lost: a flow's tenant exists (flow.tenant_id references tenant), deleting a tenant
-- still deletes its events and runs (through its flows, which every event and run has), and the key is
-- stricter than the two it replaces: an event or a run can no longer name another tenant's flow.
ALTER TABLE flow ADD CONSTRAINT flow_tenant_id_id_key UNIQUE (tenant_id, id);

ALTER TABLE event
  DROP CONSTRAINT event_tenant_id_fkey,
  DROP CONSTRAINT event_flow_id_fkey,
  ADD CONSTRAINT event_flow_fkey FOREIGN KEY (tenant_id, flow_id) REFERENCES flow (tenant_id, id) ON DELETE CASCADE;

ALTER TABLE run
  DROP CONSTRAINT run_tenant_id_fkey,
  DROP CONSTRAINT run_flow_id_fkey,
  ADD CONSTRAINT run_flow_fkey FOREIGN KEY (tenant_id, flow_id) REFERENCES flow (tenant_id, id) ON DELETE CASCADE;
