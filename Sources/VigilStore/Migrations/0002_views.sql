-- Views for analysts. security_invoker makes row-level security apply to the querying role.

CREATE VIEW vigil.v_open_incidents WITH (security_invoker = true) AS
SELECT i.id,
       i.customer_id,
       i.priority,
       i.status,
       i.level,
       i.rule_id,
       i.rule_title,
       i.summary,
       i.detected_at,
       now() - i.detected_at                        AS age,
       i.due_at,
       (i.due_at IS NOT NULL AND i.due_at < now())  AS overdue,
       i.acknowledged_at,
       i.acknowledged_by,
       i.hit_count,
       i.event_count,
       i.last_event_at,
       i.group_values,
       i.reopened_from
FROM vigil.incidents i
WHERE i.status IN ('new', 'acknowledged');
COMMENT ON VIEW vigil.v_open_incidents IS 'Open (new or acknowledged) incidents with their age and whether they are past their resolution target.';
COMMENT ON COLUMN vigil.v_open_incidents.id IS 'Incident number.';
COMMENT ON COLUMN vigil.v_open_incidents.customer_id IS 'Customer.';
COMMENT ON COLUMN vigil.v_open_incidents.priority IS 'P1 to P5.';
COMMENT ON COLUMN vigil.v_open_incidents.status IS 'new or acknowledged.';
COMMENT ON COLUMN vigil.v_open_incidents.level IS 'Highest rule level seen.';
COMMENT ON COLUMN vigil.v_open_incidents.rule_id IS 'Rule that raised the incident.';
COMMENT ON COLUMN vigil.v_open_incidents.rule_title IS 'The rule''s title.';
COMMENT ON COLUMN vigil.v_open_incidents.summary IS 'Plain-words summary.';
COMMENT ON COLUMN vigil.v_open_incidents.detected_at IS 'When the first hit was detected.';
COMMENT ON COLUMN vigil.v_open_incidents.age IS 'now() - detected_at.';
COMMENT ON COLUMN vigil.v_open_incidents.due_at IS 'Resolution target time; NULL when scheduled.';
COMMENT ON COLUMN vigil.v_open_incidents.overdue IS 'True when the resolution target has passed.';
COMMENT ON COLUMN vigil.v_open_incidents.acknowledged_at IS 'When acknowledged; NULL while new.';
COMMENT ON COLUMN vigil.v_open_incidents.acknowledged_by IS 'Who acknowledged.';
COMMENT ON COLUMN vigil.v_open_incidents.hit_count IS 'Hits merged so far.';
COMMENT ON COLUMN vigil.v_open_incidents.event_count IS 'Events behind the hits.';
COMMENT ON COLUMN vigil.v_open_incidents.last_event_at IS 'Event time of the latest event.';
COMMENT ON COLUMN vigil.v_open_incidents.group_values IS 'Group-by values (who or what the incident is about).';
COMMENT ON COLUMN vigil.v_open_incidents.reopened_from IS 'Previous incident with the same key, if this one repeats it.';

CREATE VIEW vigil.v_incident_metrics WITH (security_invoker = true) AS
SELECT i.customer_id,
       i.priority,
       date_trunc('month', i.detected_at AT TIME ZONE c.time_zone)::date          AS month,
       count(*)                                                                    AS incidents,
       count(i.acknowledged_at)                                                    AS acknowledged,
       count(i.resolved_at)                                                        AS resolved,
       count(i.reopened_from)                                                      AS reopened,
       avg(i.acknowledged_at - i.detected_at)                                      AS mtta,
       avg(i.resolved_at - i.detected_at)                                          AS mttr,
       count(*) FILTER (WHERE i.resolved_at <= i.due_at)                           AS resolved_within_target,
       count(*) FILTER (WHERE i.due_at IS NOT NULL
                          AND (i.resolved_at IS NOT NULL OR i.due_at < now()))     AS with_target_due,
       round(100.0 * count(*) FILTER (WHERE i.resolved_at <= i.due_at)
             / nullif(count(*) FILTER (WHERE i.due_at IS NOT NULL
                                         AND (i.resolved_at IS NOT NULL OR i.due_at < now())), 0), 1)
                                                                                   AS pct_resolved_within_target
FROM vigil.incidents i
JOIN vigil.customers c ON c.id = i.customer_id
GROUP BY i.customer_id, i.priority, date_trunc('month', i.detected_at AT TIME ZONE c.time_zone)::date;
COMMENT ON VIEW vigil.v_incident_metrics IS 'MTTA, MTTR and % resolved within target per customer, priority and month (customer''s time zone), counted from detection.';
COMMENT ON COLUMN vigil.v_incident_metrics.customer_id IS 'Customer.';
COMMENT ON COLUMN vigil.v_incident_metrics.priority IS 'P1 to P5 (the current priority of each incident).';
COMMENT ON COLUMN vigil.v_incident_metrics.month IS 'First day of the month of detection, in the customer''s time zone.';
COMMENT ON COLUMN vigil.v_incident_metrics.incidents IS 'Incidents detected in the month.';
COMMENT ON COLUMN vigil.v_incident_metrics.acknowledged IS 'Of those, acknowledged.';
COMMENT ON COLUMN vigil.v_incident_metrics.resolved IS 'Of those, resolved (or closed).';
COMMENT ON COLUMN vigil.v_incident_metrics.reopened IS 'Of those, repeats of an earlier resolved or closed incident.';
COMMENT ON COLUMN vigil.v_incident_metrics.mtta IS 'Mean time to acknowledge: avg(acknowledged_at - detected_at).';
COMMENT ON COLUMN vigil.v_incident_metrics.mttr IS 'Mean time to resolve: avg(resolved_at - detected_at).';
COMMENT ON COLUMN vigil.v_incident_metrics.resolved_within_target IS 'Resolved no later than due_at.';
COMMENT ON COLUMN vigil.v_incident_metrics.with_target_due IS 'Incidents with a target that are resolved or already past due: the denominator of the percentage.';
COMMENT ON COLUMN vigil.v_incident_metrics.pct_resolved_within_target IS '100 * resolved_within_target / with_target_due; NULL when nothing is due yet.';

CREATE VIEW vigil.v_incidents_by_hour WITH (security_invoker = true) AS
SELECT i.customer_id,
       extract(hour FROM i.detected_at AT TIME ZONE c.time_zone)::int              AS hour_of_day,
       count(*)                                                                    AS incidents,
       count(*) FILTER (WHERE i.priority IN ('P1', 'P2'))                          AS p1_p2,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY i.customer_id), 1) AS pct_of_customer
FROM vigil.incidents i
JOIN vigil.customers c ON c.id = i.customer_id
GROUP BY i.customer_id, extract(hour FROM i.detected_at AT TIME ZONE c.time_zone)::int;
COMMENT ON VIEW vigil.v_incidents_by_hour IS 'Incidents by hour of day of detection in the customer''s time zone: the night load.';
COMMENT ON COLUMN vigil.v_incidents_by_hour.customer_id IS 'Customer.';
COMMENT ON COLUMN vigil.v_incidents_by_hour.hour_of_day IS 'Local hour 0-23 in the customer''s time zone.';
COMMENT ON COLUMN vigil.v_incidents_by_hour.incidents IS 'Incidents detected in that hour (all time).';
COMMENT ON COLUMN vigil.v_incidents_by_hour.p1_p2 IS 'Of those, currently P1 or P2.';
COMMENT ON COLUMN vigil.v_incidents_by_hour.pct_of_customer IS 'Share of the customer''s incidents, in %.';

CREATE VIEW vigil.v_rule_pareto WITH (security_invoker = true) AS
WITH per_rule AS (
    SELECT i.customer_id, i.rule_id, max(i.rule_title) AS rule_title, count(*) AS incidents
    FROM vigil.incidents i
    GROUP BY i.customer_id, i.rule_id
)
SELECT customer_id,
       rule_id,
       rule_title,
       incidents,
       row_number() OVER w                                                         AS rank,
       round(100.0 * incidents / sum(incidents) OVER (PARTITION BY customer_id), 1) AS pct,
       round(100.0 * sum(incidents) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
             / sum(incidents) OVER (PARTITION BY customer_id), 1)                  AS cumulative_pct
FROM per_rule
WINDOW w AS (PARTITION BY customer_id ORDER BY incidents DESC, rule_id);
COMMENT ON VIEW vigil.v_rule_pareto IS 'Rules by number of incidents per customer, with the cumulative share: the few rules that make most of the noise.';
COMMENT ON COLUMN vigil.v_rule_pareto.customer_id IS 'Customer.';
COMMENT ON COLUMN vigil.v_rule_pareto.rule_id IS 'Rule.';
COMMENT ON COLUMN vigil.v_rule_pareto.rule_title IS 'The rule''s title.';
COMMENT ON COLUMN vigil.v_rule_pareto.incidents IS 'Incidents the rule raised (all time).';
COMMENT ON COLUMN vigil.v_rule_pareto.rank IS '1 for the rule with most incidents.';
COMMENT ON COLUMN vigil.v_rule_pareto.pct IS 'The rule''s share of the customer''s incidents, in %.';
COMMENT ON COLUMN vigil.v_rule_pareto.cumulative_pct IS 'Share of this rule and all rules ranked above it, in %.';
