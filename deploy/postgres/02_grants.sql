-- Grants for the Vigil roles. Migration 0003 applies the same grants; re-run this (as the schema owner or a
-- superuser) after adding roles by hand or restoring a dump without privileges:
--
--   psql -h db.example.net -U vigil -d vigil -f deploy/postgres/02_grants.sql
\set ON_ERROR_STOP on

GRANT USAGE ON SCHEMA vigil TO vigil_daemon, vigil_analyst;

-- The daemon reads and writes every table (the timeline only grows: a trigger refuses UPDATE and DELETE).
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA vigil TO vigil_daemon;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA vigil TO vigil_daemon;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA vigil TO vigil_daemon;

-- Analysts read incidents, evidence, timeline, audit and the views; row-level security limits the rows to the
-- customers mapped to them in vigil.analyst_customers. They get nothing else (no hit ledger, no outbox).
GRANT SELECT ON vigil.customers, vigil.incidents, vigil.incident_evidence, vigil.incident_timeline, vigil.config_audit,
    vigil.analyst_customers, vigil.v_open_incidents, vigil.v_incident_metrics, vigil.v_incidents_by_hour, vigil.v_rule_pareto
    TO vigil_analyst;
GRANT EXECUTE ON FUNCTION vigil.analyst_may_see(text), vigil.dedup_hash(text) TO vigil_analyst;
