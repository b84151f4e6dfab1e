-- The paging engine's durable state: one escalation state machine per incident, its timers, and the outbox of
-- pages. Nothing lives only in memory: an instance killed at any moment loses nothing, and several instances on
-- one database share the work through FOR UPDATE SKIP LOCKED claims.

CREATE TABLE vigil.escalations (
    incident_id    bigint PRIMARY KEY REFERENCES vigil.incidents (id),
    customer_id    text NOT NULL,
    policy_id      text NOT NULL,
    phase          text NOT NULL CHECK (phase IN ('idle', 'escalating', 'exhausted', 'acknowledged', 'resolved')),
    state          jsonb NOT NULL CHECK (jsonb_typeof(state) = 'object'),
    version        bigint NOT NULL CHECK (version > 0),
    ack_applied_at timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
COMMENT ON TABLE vigil.escalations IS 'The escalation of each paged incident: the pure state machine as JSON, updated under an optimistic lock (version).';
COMMENT ON COLUMN vigil.escalations.incident_id IS 'The incident.';
COMMENT ON COLUMN vigil.escalations.customer_id IS 'The incident''s customer (copied for row-level security).';
COMMENT ON COLUMN vigil.escalations.policy_id IS 'The escalation policy chosen when the incident was raised (playbook, route, customer or default).';
COMMENT ON COLUMN vigil.escalations.phase IS 'idle, escalating, exhausted (every step ran), acknowledged, resolved.';
COMMENT ON COLUMN vigil.escalations.state IS 'EscalationStateMachine encoded as JSON: policy, current step, step serial, deliveries, generation.';
COMMENT ON COLUMN vigil.escalations.version IS 'Optimistic lock: every update requires the version read and increments it.';
COMMENT ON COLUMN vigil.escalations.ack_applied_at IS 'The incident acknowledgement (incidents.acknowledged_at) already fed to the machine, so an acknowledgement timeout is not undone by it.';
COMMENT ON COLUMN vigil.escalations.created_at IS 'When paging started.';
COMMENT ON COLUMN vigil.escalations.updated_at IS 'When the machine last changed.';
CREATE INDEX escalations_active ON vigil.escalations (incident_id) WHERE phase IN ('escalating', 'exhausted', 'acknowledged');

CREATE TABLE vigil.escalation_timers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES vigil.escalations (incident_id),
    timer_key   text NOT NULL,
    timer       jsonb NOT NULL,
    due_at      timestamptz NOT NULL,
    created_at  timestamptz NOT NULL,
    UNIQUE (incident_id, timer_key)
);
COMMENT ON TABLE vigil.escalation_timers IS 'Wake-ups the escalation machines asked for (step deadlines, delayed or retried deliveries, acknowledgement timeouts). A due row is claimed FOR UPDATE SKIP LOCKED and deleted in the same transaction that applies it.';
COMMENT ON COLUMN vigil.escalation_timers.id IS 'Row id.';
COMMENT ON COLUMN vigil.escalation_timers.incident_id IS 'The escalation.';
COMMENT ON COLUMN vigil.escalation_timers.timer_key IS 'The timer''s name (step-deadline/3, delivery/<key>, ack-timeout/1); unique per incident.';
COMMENT ON COLUMN vigil.escalation_timers.timer IS 'EscalationTimer encoded as JSON.';
COMMENT ON COLUMN vigil.escalation_timers.due_at IS 'When it fires.';
COMMENT ON COLUMN vigil.escalation_timers.created_at IS 'When it was scheduled.';
CREATE INDEX escalation_timers_due ON vigil.escalation_timers (due_at);

CREATE TABLE vigil.page_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,
    incident_id     bigint NOT NULL REFERENCES vigil.incidents (id),
    customer_id     text NOT NULL,
    step_serial     integer NOT NULL,
    contact_id      text NOT NULL,
    attempt         integer NOT NULL CHECK (attempt > 0),
    kind            text NOT NULL CHECK (kind IN ('voice', 'sms', 'email', 'telegram', 'slack', 'webhook')),
    recipient       text NOT NULL,
    message         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    due_at          timestamptz NOT NULL,
    claimed_by      text,
    claim_token     uuid,
    claimed_at      timestamptz,
    lease_until     timestamptz,
    sends           integer NOT NULL DEFAULT 0,
    provider_id     text,
    last_error      text,
    created_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    UNIQUE (incident_id, step_serial, contact_id, attempt),
    CHECK ((status = 'sending') = (lease_until IS NOT NULL))
);
COMMENT ON TABLE vigil.page_outbox IS 'One row per page (incident, step serial, contact, attempt). Claimed FOR UPDATE SKIP LOCKED and marked sending before the provider is called; a lapsed lease is sent again with the same idempotency key.';
COMMENT ON COLUMN vigil.page_outbox.id IS 'Row id.';
COMMENT ON COLUMN vigil.page_outbox.idempotency_key IS 'incident/step/contact/attempt: passed to providers that accept one (Idempotency-Key, I-Twilio-Idempotency-Token, email Message-ID).';
COMMENT ON COLUMN vigil.page_outbox.incident_id IS 'The incident.';
COMMENT ON COLUMN vigil.page_outbox.customer_id IS 'The incident''s customer.';
COMMENT ON COLUMN vigil.page_outbox.step_serial IS 'Serial number of the step within the incident (1, 2, ... across repeats).';
COMMENT ON COLUMN vigil.page_outbox.contact_id IS 'Contact id (tom.sms, channel:soc-bridge).';
COMMENT ON COLUMN vigil.page_outbox.attempt IS 'Attempt on this contact (a retry after a reported failure is a new row).';
COMMENT ON COLUMN vigil.page_outbox.kind IS 'Channel: voice, sms, email, telegram, slack, webhook.';
COMMENT ON COLUMN vigil.page_outbox.recipient IS 'Who: a person id or channel:<id>.';
COMMENT ON COLUMN vigil.page_outbox.message IS 'The composed message (texts, signed acknowledgement link, contact), so a re-send is identical.';
COMMENT ON COLUMN vigil.page_outbox.status IS 'pending, sending (claimed, provider being called), sent, failed, cancelled (acknowledged before it went out).';
COMMENT ON COLUMN vigil.page_outbox.due_at IS 'Not before this time.';
COMMENT ON COLUMN vigil.page_outbox.claimed_by IS 'The Vigil instance that claimed it last.';
COMMENT ON COLUMN vigil.page_outbox.claim_token IS 'Fencing token of the current claim; an outcome is recorded only by the claim that holds it.';
COMMENT ON COLUMN vigil.page_outbox.claimed_at IS 'When it was claimed last.';
COMMENT ON COLUMN vigil.page_outbox.lease_until IS 'While sending: after this time another instance may send it again (same idempotency key).';
COMMENT ON COLUMN vigil.page_outbox.sends IS 'How many times it was handed to a provider (more than 1 only after a lease lapsed).';
COMMENT ON COLUMN vigil.page_outbox.provider_id IS 'The provider''s message id, when it gave one.';
COMMENT ON COLUMN vigil.page_outbox.last_error IS 'Why the last attempt failed (never contains secrets or tokenised URLs).';
COMMENT ON COLUMN vigil.page_outbox.created_at IS 'When the escalation machine asked for the page.';
COMMENT ON COLUMN vigil.page_outbox.finished_at IS 'When it was sent, failed or was cancelled.';
CREATE INDEX page_outbox_pending ON vigil.page_outbox (due_at) WHERE status = 'pending';
CREATE INDEX page_outbox_leases ON vigil.page_outbox (lease_until) WHERE status = 'sending';
CREATE INDEX page_outbox_incident ON vigil.page_outbox (incident_id);
