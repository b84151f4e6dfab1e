-- Roles and row-level security. vigil_daemon reads and writes; vigil_analyst reads only the rows of the
-- customers mapped to it in vigil.analyst_customers. Roles are cluster-wide: they are created here only when
-- missing (deploy/postgres/01_roles.sql creates them ahead of time when the migrating user may not).

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['vigil_daemon', 'vigil_analyst'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION
                WHEN duplicate_object OR unique_violation THEN NULL;  -- created concurrently
                WHEN insufficient_privilege THEN
                    RAISE EXCEPTION 'role % is missing and % may not create it', r, current_user
                        USING HINT = 'Run deploy/postgres/01_roles.sql as a superuser first.';
            END;
        END IF;
    END LOOP;
END
$$;

CREATE TABLE vigil.analyst_customers (
    role_name   text NOT NULL,
    customer_id text NOT NULL REFERENCES vigil.customers (id) ON DELETE CASCADE,
    granted_by  text NOT NULL DEFAULT current_user,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (role_name, customer_id)
);
COMMENT ON TABLE vigil.analyst_customers IS 'Which customers an analyst role may read. A login role (or any role it is a member of) listed here sees those customers'' rows.';
COMMENT ON COLUMN vigil.analyst_customers.role_name IS 'A PostgreSQL role name; membership counts (map a team role to give the whole team access).';
COMMENT ON COLUMN vigil.analyst_customers.customer_id IS 'A customer that role may read.';
COMMENT ON COLUMN vigil.analyst_customers.granted_by IS 'Who added the mapping.';
COMMENT ON COLUMN vigil.analyst_customers.granted_at IS 'When the mapping was added.';

CREATE FUNCTION vigil.analyst_may_see(customer text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
        SELECT EXISTS (
            SELECT 1
            FROM vigil.analyst_customers ac
            JOIN pg_catalog.pg_roles r ON r.rolname = ac.role_name
            WHERE ac.customer_id = customer
              AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))
    $$;
COMMENT ON FUNCTION vigil.analyst_may_see(text) IS 'True when the current role (or a role it belongs to) is mapped to the customer in analyst_customers.';

GRANT USAGE ON SCHEMA vigil TO vigil_daemon, vigil_analyst;
GRANT SELECT, INSERT, UPDATE ON vigil.customers, vigil.incidents, vigil.incident_evidence, vigil.incident_hits,
    vigil.config_audit, vigil.analyst_customers TO vigil_daemon;
GRANT SELECT, INSERT ON vigil.incident_timeline TO vigil_daemon;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA vigil TO vigil_daemon;
GRANT SELECT ON vigil.customers, vigil.incidents, vigil.incident_evidence, vigil.incident_timeline,
    vigil.config_audit, vigil.analyst_customers, vigil.v_open_incidents, vigil.v_incident_metrics,
    vigil.v_incidents_by_hour, vigil.v_rule_pareto TO vigil_analyst;
GRANT EXECUTE ON FUNCTION vigil.analyst_may_see(text), vigil.dedup_hash(text) TO vigil_daemon, vigil_analyst;

ALTER TABLE vigil.customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE vigil.incidents ENABLE ROW LEVEL SECURITY;
ALTER TABLE vigil.incident_evidence ENABLE ROW LEVEL SECURITY;
ALTER TABLE vigil.incident_timeline ENABLE ROW LEVEL SECURITY;
ALTER TABLE vigil.incident_hits ENABLE ROW LEVEL SECURITY;
ALTER TABLE vigil.config_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE vigil.analyst_customers ENABLE ROW LEVEL SECURITY;

CREATE POLICY daemon_all ON vigil.customers TO vigil_daemon USING (true) WITH CHECK (true);
CREATE POLICY daemon_all ON vigil.incidents TO vigil_daemon USING (true) WITH CHECK (true);
CREATE POLICY daemon_all ON vigil.incident_evidence TO vigil_daemon USING (true) WITH CHECK (true);
CREATE POLICY daemon_all ON vigil.incident_timeline TO vigil_daemon USING (true) WITH CHECK (true);
CREATE POLICY daemon_all ON vigil.incident_hits TO vigil_daemon USING (true) WITH CHECK (true);
CREATE POLICY daemon_all ON vigil.config_audit TO vigil_daemon USING (true) WITH CHECK (true);
CREATE POLICY daemon_all ON vigil.analyst_customers TO vigil_daemon USING (true) WITH CHECK (true);

CREATE POLICY analyst_read ON vigil.customers FOR SELECT TO vigil_analyst USING (vigil.analyst_may_see(id));
CREATE POLICY analyst_read ON vigil.incidents FOR SELECT TO vigil_analyst USING (vigil.analyst_may_see(customer_id));
CREATE POLICY analyst_read ON vigil.incident_evidence FOR SELECT TO vigil_analyst USING (vigil.analyst_may_see(customer_id));
CREATE POLICY analyst_read ON vigil.incident_timeline FOR SELECT TO vigil_analyst USING (vigil.analyst_may_see(customer_id));
CREATE POLICY analyst_read ON vigil.config_audit FOR SELECT TO vigil_analyst
    USING (customer_id IS NULL OR vigil.analyst_may_see(customer_id));
CREATE POLICY analyst_read ON vigil.analyst_customers FOR SELECT TO vigil_analyst
    USING (pg_catalog.pg_has_role(current_user, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = role_name), 'MEMBER'));
