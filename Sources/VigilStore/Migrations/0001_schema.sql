-- Vigil core schema: customers, incidents, evidence, timeline, hit ledger, configuration audit.
-- Applied by Migrator inside one transaction under an advisory lock. Schema `vigil` and
-- vigil.schema_migrations are created by the migrator itself before this file runs.

COMMENT ON SCHEMA vigil IS 'Vigil: SOC alert correlation. Incidents raised from detection hits, their evidence and timeline, and on-call data.';

-- sha256 of a dedup key; convert_to() is only STABLE in general but the database encoding is fixed (UTF8).
CREATE FUNCTION vigil.dedup_hash(key text) RETURNS bytea
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT sha256(convert_to(key, 'UTF8')) $$;
COMMENT ON FUNCTION vigil.dedup_hash(text) IS 'SHA-256 of a dedup key (UTF-8); indexed instead of the key, which can be long.';

CREATE TABLE vigil.customers (
    id             text PRIMARY KEY CHECK (id <> ''),
    name           text NOT NULL,
    time_zone      text NOT NULL DEFAULT 'UTC',
    business_hours text NOT NULL DEFAULT '',
    sla_overrides  jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(sla_overrides) = 'object'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE vigil.customers IS 'Customers (tenants), synchronised from the playbooks on start and reload.';
COMMENT ON COLUMN vigil.customers.id IS 'Customer identifier as used in playbooks and listener bindings, e.g. bank-nord.';
COMMENT ON COLUMN vigil.customers.name IS 'Display name.';
COMMENT ON COLUMN vigil.customers.time_zone IS 'IANA time zone of the customer (e.g. Europe/Berlin); business hours and the by-hour view use it.';
COMMENT ON COLUMN vigil.customers.business_hours IS 'Business hours as written in the playbook (e.g. "mon-fri 08:00-18:00").';
COMMENT ON COLUMN vigil.customers.sla_overrides IS 'Contractual resolution targets overriding the defaults, e.g. {"P1": "30m", "P5": "scheduled"}.';
COMMENT ON COLUMN vigil.customers.created_at IS 'When the customer first appeared.';
COMMENT ON COLUMN vigil.customers.updated_at IS 'When the playbook sync last changed the row.';

CREATE TABLE vigil.incidents (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id              text NOT NULL REFERENCES vigil.customers (id),
    rule_id                  text NOT NULL,
    rule_title               text NOT NULL,
    dedup_key                text NOT NULL,
    dedup_hash               bytea NOT NULL GENERATED ALWAYS AS (vigil.dedup_hash(dedup_key)) STORED,
    status                   text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'acknowledged', 'resolved', 'closed')),
    level                    text NOT NULL CHECK (level IN ('informational', 'low', 'medium', 'high', 'critical')),
    impact                   text NOT NULL CHECK (impact IN ('low', 'medium', 'high')),
    urgency                  text NOT NULL CHECK (urgency IN ('low', 'medium', 'high')),
    priority                 text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4', 'P5')),
    sla_target               interval,
    due_at                   timestamptz,
    first_event_at           timestamptz NOT NULL,
    last_event_at            timestamptz NOT NULL,
    detected_at              timestamptz NOT NULL,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    acknowledged_at          timestamptz,
    acknowledged_by          text,
    resolved_at              timestamptz,
    resolved_by              text,
    closed_at                timestamptz,
    closed_by                text,
    hit_count                integer NOT NULL CHECK (hit_count > 0),
    event_count              bigint NOT NULL CHECK (event_count >= 0),
    group_values             jsonb NOT NULL DEFAULT '[]'::jsonb,
    summary                  text NOT NULL,
    response_steps           text[] NOT NULL DEFAULT '{}',
    tags                     text[] NOT NULL DEFAULT '{}',
    severity_override_level  text CHECK (severity_override_level IN ('informational', 'low', 'medium', 'high', 'critical')),
    severity_override_by     text,
    severity_override_reason text,
    evidence_count           integer NOT NULL DEFAULT 0,
    evidence_overflow        bigint NOT NULL DEFAULT 0,
    reopened_from            bigint REFERENCES vigil.incidents (id),
    CHECK ((status = 'new') = (acknowledged_at IS NULL)),
    CHECK ((status IN ('new', 'acknowledged')) = (resolved_at IS NULL)),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
COMMENT ON TABLE vigil.incidents IS 'Incidents: one per dedup key while open (new/acknowledged); a hit after resolution opens a new one linked by reopened_from.';
COMMENT ON COLUMN vigil.incidents.id IS 'Incident number, as shown in pages and the CLI.';
COMMENT ON COLUMN vigil.incidents.customer_id IS 'The customer the events belong to.';
COMMENT ON COLUMN vigil.incidents.rule_id IS 'Detection rule (Sigma id or playbook name) that raised the incident.';
COMMENT ON COLUMN vigil.incidents.rule_title IS 'The rule''s title.';
COMMENT ON COLUMN vigil.incidents.dedup_key IS 'Identity: JSON array [customer, rule, [[field, value], ...]] of the group-by values.';
COMMENT ON COLUMN vigil.incidents.dedup_hash IS 'SHA-256 of dedup_key; unique among open incidents (index incidents_open_dedup).';
COMMENT ON COLUMN vigil.incidents.status IS 'ITIL lifecycle: new, acknowledged, resolved, closed.';
COMMENT ON COLUMN vigil.incidents.level IS 'Highest rule level seen (after playbook overrides): informational, low, medium, high, critical.';
COMMENT ON COLUMN vigil.incidents.impact IS 'Impact on the ITIL scale (low, medium, high): the playbook''s value or the level''s default.';
COMMENT ON COLUMN vigil.incidents.urgency IS 'Urgency on the ITIL scale (low, medium, high): the playbook''s value or the level''s default.';
COMMENT ON COLUMN vigil.incidents.priority IS 'P1 (critical) to P5 (planned), from impact x urgency; changes are in the timeline.';
COMMENT ON COLUMN vigil.incidents.sla_target IS 'Resolution target for the priority (customer override or default); NULL means scheduled.';
COMMENT ON COLUMN vigil.incidents.due_at IS 'detected_at + sla_target: when the incident must be resolved; NULL when scheduled.';
COMMENT ON COLUMN vigil.incidents.first_event_at IS 'Event time of the earliest event behind the incident.';
COMMENT ON COLUMN vigil.incidents.last_event_at IS 'Event time of the latest event behind the incident.';
COMMENT ON COLUMN vigil.incidents.detected_at IS 'When Vigil detected the first hit (registration time); MTTA and MTTR count from here.';
COMMENT ON COLUMN vigil.incidents.created_at IS 'When the row was written (later than detected_at if the hit waited in the spool).';
COMMENT ON COLUMN vigil.incidents.updated_at IS 'When the row last changed.';
COMMENT ON COLUMN vigil.incidents.acknowledged_at IS 'When someone acknowledged the incident.';
COMMENT ON COLUMN vigil.incidents.acknowledged_by IS 'Who acknowledged.';
COMMENT ON COLUMN vigil.incidents.resolved_at IS 'When the incident was resolved.';
COMMENT ON COLUMN vigil.incidents.resolved_by IS 'Who resolved.';
COMMENT ON COLUMN vigil.incidents.closed_at IS 'When the incident was closed.';
COMMENT ON COLUMN vigil.incidents.closed_by IS 'Who closed.';
COMMENT ON COLUMN vigil.incidents.hit_count IS 'Number of detection hits merged into the incident.';
COMMENT ON COLUMN vigil.incidents.event_count IS 'Number of events behind those hits.';
COMMENT ON COLUMN vigil.incidents.group_values IS 'Group-by values as [{"field": ..., "value": ...}], e.g. the source IP or user.';
COMMENT ON COLUMN vigil.incidents.summary IS 'Plain-words summary from the first hit.';
COMMENT ON COLUMN vigil.incidents.response_steps IS 'What the playbook says to do.';
COMMENT ON COLUMN vigil.incidents.tags IS 'Rule tags (e.g. ATT&CK techniques).';
COMMENT ON COLUMN vigil.incidents.severity_override_level IS 'Customer-requested severity that drives paging (not priority); NULL when none.';
COMMENT ON COLUMN vigil.incidents.severity_override_by IS 'Who requested the severity override.';
COMMENT ON COLUMN vigil.incidents.severity_override_reason IS 'Why the severity override was requested.';
COMMENT ON COLUMN vigil.incidents.evidence_count IS 'Evidence events stored in incident_evidence (up to the configured cap).';
COMMENT ON COLUMN vigil.incidents.evidence_overflow IS 'Evidence events not stored because the cap was reached.';
COMMENT ON COLUMN vigil.incidents.reopened_from IS 'The previous (resolved or closed) incident with the same dedup key, when this one repeats it.';

CREATE UNIQUE INDEX incidents_open_dedup ON vigil.incidents (dedup_hash) WHERE status IN ('new', 'acknowledged');
COMMENT ON INDEX vigil.incidents_open_dedup IS 'At most one open incident per dedup key; the sink''s upsert relies on it.';
CREATE INDEX incidents_dedup_history ON vigil.incidents (dedup_hash, id DESC);
CREATE INDEX incidents_customer_detected ON vigil.incidents (customer_id, detected_at);
CREATE INDEX incidents_open ON vigil.incidents (customer_id, priority) WHERE status IN ('new', 'acknowledged');
CREATE INDEX incidents_reopened_from ON vigil.incidents (reopened_from) WHERE reopened_from IS NOT NULL;

CREATE TABLE vigil.incident_evidence (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id    bigint NOT NULL REFERENCES vigil.incidents (id),
    customer_id    text NOT NULL REFERENCES vigil.customers (id),
    hit_id         uuid NOT NULL,
    event_sequence bigint NOT NULL,
    event_time     timestamptz NOT NULL,
    received_time  timestamptz NOT NULL,
    format         text NOT NULL,
    listener       text NOT NULL,
    peer           text NOT NULL,
    message        text NOT NULL,
    event          jsonb NOT NULL,
    raw            bytea NOT NULL
);
COMMENT ON TABLE vigil.incident_evidence IS 'The raw events behind each incident, up to the configured cap per incident (incidents.evidence_overflow counts the rest).';
COMMENT ON COLUMN vigil.incident_evidence.id IS 'Row id; increases in arrival order.';
COMMENT ON COLUMN vigil.incident_evidence.incident_id IS 'The incident.';
COMMENT ON COLUMN vigil.incident_evidence.customer_id IS 'The incident''s customer (copied for row-level security).';
COMMENT ON COLUMN vigil.incident_evidence.hit_id IS 'The hit that brought the event.';
COMMENT ON COLUMN vigil.incident_evidence.event_sequence IS 'The event''s sequence number in the daemon''s stream.';
COMMENT ON COLUMN vigil.incident_evidence.event_time IS 'When the event happened (from the event, or its receive time).';
COMMENT ON COLUMN vigil.incident_evidence.received_time IS 'When Vigil received the event.';
COMMENT ON COLUMN vigil.incident_evidence.format IS 'Wire format: rfc5424, rfc3164, json, cef.';
COMMENT ON COLUMN vigil.incident_evidence.listener IS 'The listener that received it.';
COMMENT ON COLUMN vigil.incident_evidence.peer IS 'The sender''s address.';
COMMENT ON COLUMN vigil.incident_evidence.message IS 'The free-text message.';
COMMENT ON COLUMN vigil.incident_evidence.event IS 'The parsed event as JSON (sequence, times, source, format, message, fields by dotted path).';
COMMENT ON COLUMN vigil.incident_evidence.raw IS 'The frame exactly as received.';
CREATE INDEX incident_evidence_incident ON vigil.incident_evidence (incident_id, id);

CREATE TABLE vigil.incident_timeline (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES vigil.incidents (id),
    customer_id text NOT NULL REFERENCES vigil.customers (id),
    at          timestamptz NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('created', 'hit', 'level_raised', 'priority_changed', 'acknowledged',
                                              'resolved', 'closed', 'note', 'page', 'escalation')),
    actor       text NOT NULL,
    detail      text NOT NULL,
    hit_id      uuid,
    from_value  text,
    to_value    text,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE vigil.incident_timeline IS 'Append-only history of each incident: status and priority changes, hits, pages, acknowledgements, escalations, notes. UPDATE and DELETE are refused.';
COMMENT ON COLUMN vigil.incident_timeline.id IS 'Row id; increases in write order.';
COMMENT ON COLUMN vigil.incident_timeline.incident_id IS 'The incident.';
COMMENT ON COLUMN vigil.incident_timeline.customer_id IS 'The incident''s customer (copied for row-level security).';
COMMENT ON COLUMN vigil.incident_timeline.at IS 'When it happened.';
COMMENT ON COLUMN vigil.incident_timeline.kind IS 'created, hit, level_raised, priority_changed, acknowledged, resolved, closed, note, page, escalation.';
COMMENT ON COLUMN vigil.incident_timeline.actor IS 'Who acted: vigil for the daemon, else a person or system.';
COMMENT ON COLUMN vigil.incident_timeline.detail IS 'What happened, in plain words.';
COMMENT ON COLUMN vigil.incident_timeline.hit_id IS 'The hit, for hit entries and changes caused by a hit.';
COMMENT ON COLUMN vigil.incident_timeline.from_value IS 'Old value of a change (status, level or priority).';
COMMENT ON COLUMN vigil.incident_timeline.to_value IS 'New value of a change.';
COMMENT ON COLUMN vigil.incident_timeline.recorded_at IS 'When the row was written.';
CREATE INDEX incident_timeline_incident ON vigil.incident_timeline (incident_id, id);

CREATE FUNCTION vigil.refuse_timeline_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'vigil.incident_timeline is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege', HINT = 'Add a note entry instead of changing history.';
END
$$;
COMMENT ON FUNCTION vigil.refuse_timeline_change() IS 'Trigger function that keeps incident_timeline append-only.';
CREATE TRIGGER incident_timeline_append_only BEFORE UPDATE OR DELETE ON vigil.incident_timeline
    FOR EACH ROW EXECUTE FUNCTION vigil.refuse_timeline_change();
CREATE TRIGGER incident_timeline_no_truncate BEFORE TRUNCATE ON vigil.incident_timeline
    FOR EACH STATEMENT EXECUTE FUNCTION vigil.refuse_timeline_change();

CREATE TABLE vigil.incident_hits (
    hit_id      uuid PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES vigil.incidents (id),
    applied_at  timestamptz NOT NULL
);
COMMENT ON TABLE vigil.incident_hits IS 'Ledger of applied hits, so each hit is applied exactly once even when the spool replays it.';
COMMENT ON COLUMN vigil.incident_hits.hit_id IS 'The hit''s unique id from the detection engine.';
COMMENT ON COLUMN vigil.incident_hits.incident_id IS 'The incident the hit went to.';
COMMENT ON COLUMN vigil.incident_hits.applied_at IS 'When the sink applied it.';
CREATE INDEX incident_hits_incident ON vigil.incident_hits (incident_id);

CREATE TABLE vigil.config_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    object_type text NOT NULL,
    object_id   text NOT NULL,
    action      text NOT NULL,
    customer_id text,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb
);
COMMENT ON TABLE vigil.config_audit IS 'Who changed which rule, playbook or policy, and when.';
COMMENT ON COLUMN vigil.config_audit.id IS 'Row id; increases in write order.';
COMMENT ON COLUMN vigil.config_audit.at IS 'When the change took effect.';
COMMENT ON COLUMN vigil.config_audit.actor IS 'Who made the change (user, or the file and reload that brought it).';
COMMENT ON COLUMN vigil.config_audit.object_type IS 'What kind of object: rule, playbook, policy, rotation, customer, ...';
COMMENT ON COLUMN vigil.config_audit.object_id IS 'Which object (rule id, policy name, ...).';
COMMENT ON COLUMN vigil.config_audit.action IS 'created, changed, removed, override, exclusion, ...';
COMMENT ON COLUMN vigil.config_audit.customer_id IS 'The customer concerned, when the object belongs to one.';
COMMENT ON COLUMN vigil.config_audit.detail IS 'Details as JSON (old/new values, reason, approver).';
CREATE INDEX config_audit_object ON vigil.config_audit (object_type, object_id, at);
