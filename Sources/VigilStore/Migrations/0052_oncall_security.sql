-- Grants and row-level security for the on-call tables, following 0003: the daemon reads and writes everything;
-- analysts read the configuration (without contact addresses, which are personal data or carry tokens) and, per
-- customer mapped in analyst_customers, the customer assignments and escalations. Outbox and timers are internal.

GRANT SELECT, INSERT, UPDATE, DELETE ON vigil.oncall_settings, vigil.oncall_people, vigil.oncall_contacts,
    vigil.oncall_notification_rules, vigil.oncall_channels, vigil.oncall_rotations, vigil.oncall_schedules,
    vigil.oncall_schedule_rules, vigil.oncall_overrides, vigil.oncall_policies, vigil.oncall_policy_steps,
    vigil.oncall_customers, vigil.oncall_channel_switches, vigil.oncall_routes,
    vigil.escalations, vigil.escalation_timers, vigil.page_outbox TO vigil_daemon;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA vigil TO vigil_daemon;

GRANT SELECT ON vigil.oncall_settings, vigil.oncall_people, vigil.oncall_notification_rules, vigil.oncall_rotations,
    vigil.oncall_schedules, vigil.oncall_schedule_rules, vigil.oncall_overrides, vigil.oncall_policies,
    vigil.oncall_policy_steps, vigil.oncall_routes, vigil.oncall_customers, vigil.oncall_channel_switches,
    vigil.escalations TO vigil_analyst;

ALTER TABLE vigil.oncall_customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE vigil.oncall_channel_switches ENABLE ROW LEVEL SECURITY;
ALTER TABLE vigil.escalations ENABLE ROW LEVEL SECURITY;
ALTER TABLE vigil.page_outbox ENABLE ROW LEVEL SECURITY;

CREATE POLICY daemon_all ON vigil.oncall_customers TO vigil_daemon USING (true) WITH CHECK (true);
CREATE POLICY daemon_all ON vigil.oncall_channel_switches TO vigil_daemon USING (true) WITH CHECK (true);
CREATE POLICY daemon_all ON vigil.escalations TO vigil_daemon USING (true) WITH CHECK (true);
CREATE POLICY daemon_all ON vigil.page_outbox TO vigil_daemon USING (true) WITH CHECK (true);

CREATE POLICY analyst_read ON vigil.oncall_customers FOR SELECT TO vigil_analyst USING (vigil.analyst_may_see(customer_id));
CREATE POLICY analyst_read ON vigil.oncall_channel_switches FOR SELECT TO vigil_analyst USING (vigil.analyst_may_see(customer_id));
CREATE POLICY analyst_read ON vigil.escalations FOR SELECT TO vigil_analyst USING (vigil.analyst_may_see(customer_id));
