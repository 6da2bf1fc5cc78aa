-- An external broker that keeps its own device accounts (Mosquitto's dynamic-security plugin) must be
-- given a device's password in clear when it is issued, and the registry keeps only its scrypt hash. So the
-- use-case that issues a password (create, provision, rotate) also leaves it here, sealed with the tenant's
-- data key, in the same transaction; the MQTT app hands it to the broker and deletes the row at once (or
-- deletes it unread where no such broker is used). At most one row per device: a rotation replaces it.
CREATE TABLE device_broker_secret (
  device_id          uuid PRIMARY KEY REFERENCES device(id) ON DELETE CASCADE,
  tenant_id          uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
  credential_version integer NOT NULL,
  sealed             bytea NOT NULL,
  created_at         timestamptz(3) NOT NULL DEFAULT now()
);
ALTER TABLE device_broker_secret ENABLE ROW LEVEL SECURITY;
ALTER TABLE device_broker_secret FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON device_broker_secret
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON device_broker_secret TO conflux_app;

-- A new password to hand over: the MQTT app hears of it on commit, like any other device change.
CREATE FUNCTION device_broker_secret_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('conflux_device_change', json_build_object('tenantId', NEW.tenant_id, 'deviceId', NEW.device_id, 'op', 'credentials')::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER device_broker_secret_notify AFTER INSERT OR UPDATE ON device_broker_secret
  FOR EACH ROW EXECUTE FUNCTION device_broker_secret_notify();
