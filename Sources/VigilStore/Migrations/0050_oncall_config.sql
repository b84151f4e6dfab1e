-- On-call configuration: people, contacts, notification rules, shared channels, rotations, schedules (rules and
-- overrides), escalation policies and steps, customer assignments and channel switches, routes, settings.
-- Written by `vigil oncall apply` (the whole file in one transaction) and `vigil oncall override`; read by the
-- paging engine and `vigil oncall who|gaps`. Once applied, these tables are the source of truth.
-- Nested values (step targets, match conditions) are jsonb in the YAML file's own shape.
-- Foreign keys are DEFERRABLE INITIALLY DEFERRED: an apply deletes and re-inserts every row, checked at commit.

CREATE TABLE vigil.oncall_settings (
    singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    revision        bigint NOT NULL CHECK (revision > 0),
    default_policy  text,
    providers       jsonb NOT NULL CHECK (jsonb_typeof(providers) = 'object'),
    source_file     text NOT NULL,
    source_sha256   text NOT NULL,
    applied_at      timestamptz NOT NULL,
    applied_by      text NOT NULL
);
COMMENT ON TABLE vigil.oncall_settings IS 'One row once an on-call configuration has been applied: its revision, default policy, provider settings and origin.';
COMMENT ON COLUMN vigil.oncall_settings.singleton IS 'Always true: the table holds at most one row.';
COMMENT ON COLUMN vigil.oncall_settings.revision IS 'Increases with every apply and every override change; the paging engine reloads when it changes.';
COMMENT ON COLUMN vigil.oncall_settings.default_policy IS 'The policy for incidents that no playbook, route or customer entry places.';
COMMENT ON COLUMN vigil.oncall_settings.providers IS 'How pages leave Vigil (webhook, Slack, Telegram, Twilio, SMTP, ack links, retries) in the YAML shape; secrets only as {env: NAME} or {file: PATH}.';
COMMENT ON COLUMN vigil.oncall_settings.source_file IS 'The file last applied (path as given to vigil oncall apply).';
COMMENT ON COLUMN vigil.oncall_settings.source_sha256 IS 'SHA-256 (hex) of that file''s bytes.';
COMMENT ON COLUMN vigil.oncall_settings.applied_at IS 'When it was applied.';
COMMENT ON COLUMN vigil.oncall_settings.applied_by IS 'Who applied it (--by, or the daemon at start-up).';

CREATE TABLE vigil.oncall_people (
    id                 text PRIMARY KEY,
    position           integer NOT NULL,
    name               text NOT NULL,
    roles              text[] NOT NULL DEFAULT '{}',
    manager_id         text REFERENCES vigil.oncall_people (id) DEFERRABLE INITIALLY DEFERRED,
    time_zone          text NOT NULL,
    business_days      text[] NOT NULL,
    business_from      text NOT NULL,
    business_to        text NOT NULL,
    quiet_days         text[],
    quiet_from         text,
    quiet_to           text,
    quiet_allow        text[],
    CHECK ((quiet_from IS NULL) = (quiet_to IS NULL))
);
COMMENT ON TABLE vigil.oncall_people IS 'Responders: duty officers, analysts, service managers, managers.';
COMMENT ON COLUMN vigil.oncall_people.id IS 'Person id as used in the on-call file (e.g. tom).';
COMMENT ON COLUMN vigil.oncall_people.position IS 'Order in the file.';
COMMENT ON COLUMN vigil.oncall_people.name IS 'Display name used in pages and the timeline.';
COMMENT ON COLUMN vigil.oncall_people.roles IS 'Free-form roles (l1, l2, service_manager, manager, ...).';
COMMENT ON COLUMN vigil.oncall_people.manager_id IS 'Line manager, for hierarchical escalation (manager_of targets).';
COMMENT ON COLUMN vigil.oncall_people.time_zone IS 'IANA zone in which business and quiet hours are read.';
COMMENT ON COLUMN vigil.oncall_people.business_days IS 'Business days (mon ... sun).';
COMMENT ON COLUMN vigil.oncall_people.business_from IS 'Business hours start, HH:MM local time.';
COMMENT ON COLUMN vigil.oncall_people.business_to IS 'Business hours end, HH:MM local time (not after from: overnight; equal: all day).';
COMMENT ON COLUMN vigil.oncall_people.quiet_days IS 'Days on which quiet hours start; NULL when the person has no quiet hours.';
COMMENT ON COLUMN vigil.oncall_people.quiet_from IS 'Quiet hours start, HH:MM local time.';
COMMENT ON COLUMN vigil.oncall_people.quiet_to IS 'Quiet hours end, HH:MM local time.';
COMMENT ON COLUMN vigil.oncall_people.quiet_allow IS 'Urgencies (low, high, critical) that may still reach the person during quiet hours.';

CREATE TABLE vigil.oncall_contacts (
    id        text PRIMARY KEY,
    person_id text NOT NULL REFERENCES vigil.oncall_people (id) DEFERRABLE INITIALLY DEFERRED,
    position  integer NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('voice', 'sms', 'email', 'telegram', 'slack', 'webhook')),
    address   text NOT NULL,
    UNIQUE (person_id, position) DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE vigil.oncall_contacts IS 'Contact methods of each person, in fallback order. Addresses are personal data (and webhook URLs carry tokens): not readable by analysts.';
COMMENT ON COLUMN vigil.oncall_contacts.id IS 'Contact id (tom.sms); part of every idempotency key.';
COMMENT ON COLUMN vigil.oncall_contacts.person_id IS 'The person.';
COMMENT ON COLUMN vigil.oncall_contacts.position IS 'Fallback order: when one fails, the next is tried.';
COMMENT ON COLUMN vigil.oncall_contacts.kind IS 'voice, sms, email, telegram, slack or webhook.';
COMMENT ON COLUMN vigil.oncall_contacts.address IS 'E.164 number, email address, Telegram chat id, or URL (validated on apply).';

CREATE TABLE vigil.oncall_notification_rules (
    person_id text NOT NULL REFERENCES vigil.oncall_people (id) DEFERRABLE INITIALLY DEFERRED,
    position  integer NOT NULL,
    urgencies text[] NOT NULL,
    channels  text[] NOT NULL,
    delay     interval NOT NULL DEFAULT '0',
    timing    text NOT NULL DEFAULT 'always' CHECK (timing IN ('always', 'business_hours', 'outside_business_hours')),
    PRIMARY KEY (person_id, position) DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE vigil.oncall_notification_rules IS 'Per-person notification policy: for these urgencies, these channels, after this delay, at these times. Urgencies with no rule use the standard rules.';
COMMENT ON COLUMN vigil.oncall_notification_rules.person_id IS 'The person.';
COMMENT ON COLUMN vigil.oncall_notification_rules.position IS 'Order in the file.';
COMMENT ON COLUMN vigil.oncall_notification_rules.urgencies IS 'Paging urgencies the rule applies to: low, high, critical.';
COMMENT ON COLUMN vigil.oncall_notification_rules.channels IS 'Contact kinds to use (each the person''s first contact of that kind).';
COMMENT ON COLUMN vigil.oncall_notification_rules.delay IS 'Wait this long after the step pages (dropped once acknowledged).';
COMMENT ON COLUMN vigil.oncall_notification_rules.timing IS 'always, business_hours or outside_business_hours.';

CREATE TABLE vigil.oncall_channels (
    id         text PRIMARY KEY,
    position   integer NOT NULL,
    name       text NOT NULL,
    contact_id text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('voice', 'sms', 'email', 'telegram', 'slack', 'webhook')),
    address    text NOT NULL
);
COMMENT ON TABLE vigil.oncall_channels IS 'Shared channels that are not a person: a team room, a ticket webhook, the emergency bridge.';
COMMENT ON COLUMN vigil.oncall_channels.id IS 'Channel id as used in targets ({channel: soc-bridge}).';
COMMENT ON COLUMN vigil.oncall_channels.position IS 'Order in the file.';
COMMENT ON COLUMN vigil.oncall_channels.name IS 'Display name.';
COMMENT ON COLUMN vigil.oncall_channels.contact_id IS 'Contact id used in idempotency keys (channel:<id>).';
COMMENT ON COLUMN vigil.oncall_channels.kind IS 'Contact kind: slack, webhook, telegram, email, sms or voice.';
COMMENT ON COLUMN vigil.oncall_channels.address IS 'Where to send (URL, chat id, address or number).';

CREATE TABLE vigil.oncall_rotations (
    id           text PRIMARY KEY,
    position     integer NOT NULL,
    name         text NOT NULL,
    time_zone    text NOT NULL,
    shift_unit   text NOT NULL CHECK (shift_unit IN ('hours', 'days', 'weeks', 'months', 'elapsed')),
    shift_count  integer CHECK (shift_count > 0),
    shift_length interval,
    start_local  timestamp NOT NULL,
    participants text[] NOT NULL CHECK (cardinality(participants) > 0),
    CHECK ((shift_unit = 'elapsed') = (shift_length IS NOT NULL AND shift_count IS NULL))
);
COMMENT ON TABLE vigil.oncall_rotations IS 'Duty rotations: participants take turns in shifts from a first hand-off, in a time zone, DST-correct.';
COMMENT ON COLUMN vigil.oncall_rotations.id IS 'Rotation id.';
COMMENT ON COLUMN vigil.oncall_rotations.position IS 'Order in the file.';
COMMENT ON COLUMN vigil.oncall_rotations.name IS 'Display name.';
COMMENT ON COLUMN vigil.oncall_rotations.time_zone IS 'IANA zone in which hand-off times are read.';
COMMENT ON COLUMN vigil.oncall_rotations.shift_unit IS 'hours (elapsed), days, weeks, months (calendar: same local hand-off time across DST), or elapsed (shift_length).';
COMMENT ON COLUMN vigil.oncall_rotations.shift_count IS 'How many units one shift lasts; NULL for elapsed.';
COMMENT ON COLUMN vigil.oncall_rotations.shift_length IS 'Elapsed shift length for shift_unit elapsed (e.g. 36 hours); NULL otherwise.';
COMMENT ON COLUMN vigil.oncall_rotations.start_local IS 'First hand-off as local wall-clock time in time_zone; nobody is on call before it.';
COMMENT ON COLUMN vigil.oncall_rotations.participants IS 'Person ids in turn order (shift k is held by participants[k mod n]).';

CREATE TABLE vigil.oncall_schedules (
    id        text PRIMARY KEY,
    position  integer NOT NULL,
    name      text NOT NULL,
    time_zone text NOT NULL
);
COMMENT ON TABLE vigil.oncall_schedules IS 'Schedules (duty pagers): rules bring rotations or people in during time windows; overrides change them for a while.';
COMMENT ON COLUMN vigil.oncall_schedules.id IS 'Schedule id.';
COMMENT ON COLUMN vigil.oncall_schedules.position IS 'Order in the file.';
COMMENT ON COLUMN vigil.oncall_schedules.name IS 'Display name.';
COMMENT ON COLUMN vigil.oncall_schedules.time_zone IS 'IANA zone in which rule windows are read.';

CREATE TABLE vigil.oncall_schedule_rules (
    schedule_id text NOT NULL REFERENCES vigil.oncall_schedules (id) DEFERRABLE INITIALLY DEFERRED,
    position    integer NOT NULL,
    rotation_id text REFERENCES vigil.oncall_rotations (id) DEFERRABLE INITIALLY DEFERRED,
    person_id   text REFERENCES vigil.oncall_people (id) DEFERRABLE INITIALLY DEFERRED,
    days        text[] NOT NULL,
    from_time   text NOT NULL,
    to_time     text NOT NULL,
    PRIMARY KEY (schedule_id, position) DEFERRABLE INITIALLY DEFERRED,
    CHECK ((rotation_id IS NULL) <> (person_id IS NULL))
);
COMMENT ON TABLE vigil.oncall_schedule_rules IS 'Coverage rules: a rotation or a person, on some weekdays, from one local time to another.';
COMMENT ON COLUMN vigil.oncall_schedule_rules.schedule_id IS 'The schedule.';
COMMENT ON COLUMN vigil.oncall_schedule_rules.position IS 'Rule order (kept in who-is-on-call answers).';
COMMENT ON COLUMN vigil.oncall_schedule_rules.rotation_id IS 'The rotation whose shift holder is on call, or NULL.';
COMMENT ON COLUMN vigil.oncall_schedule_rules.person_id IS 'The person on call, or NULL.';
COMMENT ON COLUMN vigil.oncall_schedule_rules.days IS 'Days on which the window starts (mon ... sun).';
COMMENT ON COLUMN vigil.oncall_schedule_rules.from_time IS 'Window start, HH:MM in the schedule''s zone.';
COMMENT ON COLUMN vigil.oncall_schedule_rules.to_time IS 'Window end, HH:MM (not after from_time: overnight; equal: 24 hours).';

CREATE TABLE vigil.oncall_overrides (
    id                 bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    schedule_id        text NOT NULL REFERENCES vigil.oncall_schedules (id) DEFERRABLE INITIALLY DEFERRED,
    position           integer NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('add', 'remove', 'replace')),
    person_id          text NOT NULL REFERENCES vigil.oncall_people (id) DEFERRABLE INITIALLY DEFERRED,
    replaced_person_id text REFERENCES vigil.oncall_people (id) DEFERRABLE INITIALLY DEFERRED,
    starts_at          timestamptz NOT NULL,
    ends_at            timestamptz NOT NULL,
    note               text,
    source             text NOT NULL CHECK (source IN ('file', 'cli')),
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK ((kind = 'replace') = (replaced_person_id IS NOT NULL)),
    CHECK (replaced_person_id IS DISTINCT FROM person_id)
);
COMMENT ON TABLE vigil.oncall_overrides IS 'Temporary schedule changes: add, remove, or replace a person between two instants. Overlapping overrides that concern a common person are refused.';
COMMENT ON COLUMN vigil.oncall_overrides.id IS 'Override number (vigil oncall override list/remove).';
COMMENT ON COLUMN vigil.oncall_overrides.schedule_id IS 'The schedule.';
COMMENT ON COLUMN vigil.oncall_overrides.position IS 'Order of application within the schedule (file order, then command-line overrides).';
COMMENT ON COLUMN vigil.oncall_overrides.kind IS 'add (also on call), remove (not on call), replace (person_id stands in for replaced_person_id).';
COMMENT ON COLUMN vigil.oncall_overrides.person_id IS 'The person added, removed, or standing in.';
COMMENT ON COLUMN vigil.oncall_overrides.replaced_person_id IS 'For replace: the person replaced, if on call.';
COMMENT ON COLUMN vigil.oncall_overrides.starts_at IS 'From (inclusive).';
COMMENT ON COLUMN vigil.oncall_overrides.ends_at IS 'To (exclusive).';
COMMENT ON COLUMN vigil.oncall_overrides.note IS 'Why, and who asked.';
COMMENT ON COLUMN vigil.oncall_overrides.source IS 'file (replaced by every apply) or cli (vigil oncall override add; kept across applies).';
COMMENT ON COLUMN vigil.oncall_overrides.created_by IS 'Who added it.';
COMMENT ON COLUMN vigil.oncall_overrides.created_at IS 'When it was added.';
CREATE INDEX oncall_overrides_schedule ON vigil.oncall_overrides (schedule_id, starts_at);

CREATE TABLE vigil.oncall_policies (
    id           text PRIMARY KEY,
    position     integer NOT NULL,
    name         text NOT NULL,
    repeat_count integer NOT NULL CHECK (repeat_count BETWEEN 0 AND 20),
    ack_timeout  interval
);
COMMENT ON TABLE vigil.oncall_policies IS 'Escalation policies: ordered steps paging more and more people until someone acknowledges.';
COMMENT ON COLUMN vigil.oncall_policies.id IS 'Policy id.';
COMMENT ON COLUMN vigil.oncall_policies.position IS 'Order in the file.';
COMMENT ON COLUMN vigil.oncall_policies.name IS 'Display name.';
COMMENT ON COLUMN vigil.oncall_policies.repeat_count IS 'How many more passes through the steps when nobody acknowledges.';
COMMENT ON COLUMN vigil.oncall_policies.ack_timeout IS 'An acknowledged incident still unresolved after this long pages again from step 1; NULL: never.';

CREATE TABLE vigil.oncall_policy_steps (
    policy_id  text NOT NULL REFERENCES vigil.oncall_policies (id) DEFERRABLE INITIALLY DEFERRED,
    position   integer NOT NULL,
    name       text,
    targets    jsonb NOT NULL CHECK (jsonb_typeof(targets) = 'array'),
    delay      interval NOT NULL,
    only_match jsonb,
    PRIMARY KEY (policy_id, position) DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE vigil.oncall_policy_steps IS 'Steps of each policy: whom to page, and how long to wait for an acknowledgement before the next step.';
COMMENT ON COLUMN vigil.oncall_policy_steps.policy_id IS 'The policy.';
COMMENT ON COLUMN vigil.oncall_policy_steps.position IS '0-based step index (step 1 is position 0).';
COMMENT ON COLUMN vigil.oncall_policy_steps.name IS 'Label such as L1 duty or 1st manager.';
COMMENT ON COLUMN vigil.oncall_policy_steps.targets IS 'Targets as in the file: [{"schedule": "l1-duty"}, "service_manager", {"manager_of": {"schedule": "l3"}}].';
COMMENT ON COLUMN vigil.oncall_policy_steps.delay IS 'Time to wait for an acknowledgement before the next step.';
COMMENT ON COLUMN vigil.oncall_policy_steps.only_match IS 'When set, the step runs only for matching incidents, e.g. {"priority": ["P1"]}; others skip it (recorded).';

CREATE TABLE vigil.oncall_customers (
    customer_id     text PRIMARY KEY,
    position        integer NOT NULL,
    name            text NOT NULL,
    time_zone       text NOT NULL,
    service_manager jsonb,
    policy_id       text REFERENCES vigil.oncall_policies (id) DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE vigil.oncall_customers IS 'Customer assignments: each customer''s service manager (a person or a schedule; one may serve several customers) and its playbook policy.';
COMMENT ON COLUMN vigil.oncall_customers.customer_id IS 'Customer id as in playbooks and listener bindings.';
COMMENT ON COLUMN vigil.oncall_customers.position IS 'Order in the file.';
COMMENT ON COLUMN vigil.oncall_customers.name IS 'Display name used in pages.';
COMMENT ON COLUMN vigil.oncall_customers.time_zone IS 'Zone for channel-switch windows and times in messages.';
COMMENT ON COLUMN vigil.oncall_customers.service_manager IS 'The service manager: {"person": id} or {"schedule": id}.';
COMMENT ON COLUMN vigil.oncall_customers.policy_id IS 'The policy the customer''s playbook uses when no route matches first.';

CREATE TABLE vigil.oncall_channel_switches (
    customer_id  text NOT NULL REFERENCES vigil.oncall_customers (customer_id) DEFERRABLE INITIALLY DEFERRED,
    position     integer NOT NULL,
    scenarios    text[] NOT NULL,
    channel      text NOT NULL CHECK (channel IN ('voice', 'sms', 'email', 'telegram', 'slack', 'webhook')),
    days         text[] NOT NULL,
    from_time    text NOT NULL,
    to_time      text NOT NULL,
    enabled      boolean NOT NULL,
    requested_by text,
    note         text,
    PRIMARY KEY (customer_id, position) DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE vigil.oncall_channel_switches IS 'Per customer x scenario x channel x time window: turn one channel on or off (e.g. night voice calls); last match wins. Written notifications are untouched unless named.';
COMMENT ON COLUMN vigil.oncall_channel_switches.customer_id IS 'The customer.';
COMMENT ON COLUMN vigil.oncall_channel_switches.position IS 'Order (the last matching switch wins).';
COMMENT ON COLUMN vigil.oncall_channel_switches.scenarios IS 'Rule ids, tags or playbook scenario names; empty means every scenario.';
COMMENT ON COLUMN vigil.oncall_channel_switches.channel IS 'The one contact kind switched.';
COMMENT ON COLUMN vigil.oncall_channel_switches.days IS 'Days on which the window starts.';
COMMENT ON COLUMN vigil.oncall_channel_switches.from_time IS 'Window start, HH:MM in the customer''s zone.';
COMMENT ON COLUMN vigil.oncall_channel_switches.to_time IS 'Window end, HH:MM.';
COMMENT ON COLUMN vigil.oncall_channel_switches.enabled IS 'true adds the channel, false removes it, within the window.';
COMMENT ON COLUMN vigil.oncall_channel_switches.requested_by IS 'Who asked for it, and when (for the audit).';
COMMENT ON COLUMN vigil.oncall_channel_switches.note IS 'Free text.';

CREATE TABLE vigil.oncall_routes (
    position   integer PRIMARY KEY,
    match      jsonb NOT NULL CHECK (jsonb_typeof(match) = 'object'),
    policy_id  text NOT NULL REFERENCES vigil.oncall_policies (id) DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE vigil.oncall_routes IS 'Incident -> policy routes by customer, priority, level, urgency or scenario; the first match wins, after the playbook''s own policy.';
COMMENT ON COLUMN vigil.oncall_routes.position IS 'Order of evaluation (1-based).';
COMMENT ON COLUMN vigil.oncall_routes.match IS 'Conditions as in the file, e.g. {"priority": ["P1"]}; all must hold, lists mean any of.';
COMMENT ON COLUMN vigil.oncall_routes.policy_id IS 'The policy for matching incidents.';

ALTER TABLE vigil.oncall_settings ADD FOREIGN KEY (default_policy) REFERENCES vigil.oncall_policies (id) DEFERRABLE INITIALLY DEFERRED;
