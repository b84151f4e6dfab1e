-- Faster incident writes (figures in docs/benchmarks-store.md) and exactly-once through the timeline.

-- Room for HOT updates: open incidents are updated by every batch that brings them hits.
ALTER TABLE vigil.incidents SET (fillfactor = 50);

-- The two high-volume child tables (a row per hit, a row per evidence event) lose their foreign keys: the per-row
-- checks cost more than the rest of the insert. The sink writes them in the same transaction as their incident,
-- nothing deletes incidents, and the daemon role has no DELETE privilege.
ALTER TABLE vigil.incident_evidence
    DROP CONSTRAINT IF EXISTS incident_evidence_incident_id_fkey,
    DROP CONSTRAINT IF EXISTS incident_evidence_customer_id_fkey;
ALTER TABLE vigil.incident_timeline
    DROP CONSTRAINT IF EXISTS incident_timeline_incident_id_fkey,
    DROP CONSTRAINT IF EXISTS incident_timeline_customer_id_fkey;
COMMENT ON COLUMN vigil.incident_evidence.incident_id IS 'The incident (vigil.incidents.id; written in the same transaction, no foreign key for speed).';
COMMENT ON COLUMN vigil.incident_timeline.incident_id IS 'The incident (vigil.incidents.id; written in the same transaction, no foreign key for speed).';

-- Evidence keeps the parsed fields as jsonb; sequence, times, source, format, message and the raw frame are columns.
ALTER TABLE vigil.incident_evidence RENAME COLUMN event TO fields;
UPDATE vigil.incident_evidence SET fields = coalesce(fields -> 'fields', '{}'::jsonb) WHERE fields ? 'fields';
COMMENT ON COLUMN vigil.incident_evidence.fields IS 'The parsed fields as a JSON object keyed by dotted path (ECS names): fields->>''user.name''.';

-- Exactly once: every hit has one timeline entry of kind hit, unique by hit id. A replayed hit violates it and
-- is skipped; the separate ledger table is no longer needed.
CREATE UNIQUE INDEX incident_timeline_hit ON vigil.incident_timeline (hit_id) WHERE kind = 'hit';
COMMENT ON INDEX vigil.incident_timeline_hit IS 'Each hit is applied exactly once: one hit entry per hit id (a replayed hit violates it and is skipped).';
COMMENT ON COLUMN vigil.incident_timeline.hit_id IS 'The hit, for hit entries (unique among them: each hit is applied once) and changes caused by a hit.';
COMMENT ON TABLE vigil.incident_timeline IS 'Append-only history of each incident: status and priority changes, hits (one entry per hit, which also makes each hit count once), pages, acknowledgements, escalations, notes. UPDATE and DELETE are refused.';
DROP TABLE vigil.incident_hits;
