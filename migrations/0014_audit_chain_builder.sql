-- The audit trail without a global lock (issue 13 §1).
--
-- Until now every audited write (registration, bill, payment, NIK reveal, …) locked the single
-- audit_head row until its transaction ended, so every write in the system waited on one lock and
-- PostgreSQL's group commit was lost. From here on:
--
--   - an event is appended with no lock: its id comes from a sequence and its time from the clock,
--     both stamped by a trigger (the inserting role cannot choose them), and it has no chain
--     columns at all: the write path only INSERTs;
--   - the chain is built afterwards, in id order, by the owner (the `audit.chain` job and
--     `jamsos audit build`, src/audit/builder.ts) into audit_link: one link per id, an event or a
--     recorded gap (an id a rolled-back transaction drew), each an HMAC-SHA256 under a key the
--     database never sees (JAMSOS_AUDIT_KEY), over the previous link and the event's canonical
--     text as PostgreSQL renders it from the stored row;
--   - jamsos_app inserts raw events only: it cannot write links or the head, so it cannot append
--     an event that verifies as chained, and it has no access to the key.
--
-- Why ids may be skipped only once "settled": ids from a sequence commit out of order (a
-- transaction that drew 10 may commit after the one that drew 11), and a rolled-back one leaves a
-- hole for ever. The builder chains the contiguous run of visible ids; a missing id is recorded as
-- a gap only when no transaction that could still insert it is running: the stamp trigger gives
-- the inserting transaction its xid BEFORE it draws the id, so every transaction that holds an id
-- up to the highest one visible in a snapshot S has an xid below pg_snapshot_xmax(S); once
-- pg_snapshot_xmin of a later snapshot reaches that xmax, all of them have ended, and an id still
-- absent was rolled back. The head keeps that watermark (watermark_id, watermark_xmax) between
-- runs, so the builder never waits on an open transaction: it stops at the gap and comes back.
-- Details and the verify rules: docs/security.md, "Audit trail".
--
-- Events chained under 0007's unkeyed SHA-256 chain are re-chained under the keyed scheme from
-- id 1 (the builder starts from scratch: the head below is empty); their old links move to
-- audit_legacy_link, which `jamsos audit verify` keeps checking, so a change made before this
-- migration is still reported.
--
-- Citus: as before, these tables stay local on the coordinator (one chain, one order).

-- 0007's links, kept for verification of the events written before this migration.
CREATE TABLE audit_legacy_link (
  event_id  bigint PRIMARY KEY,
  prev_hash text NOT NULL,
  hash      text NOT NULL
);
INSERT INTO audit_legacy_link (event_id, prev_hash, hash) SELECT id, prev_hash, hash FROM audit_event;

-- The head lock and the in-row chain go.
DROP TRIGGER audit_event_link ON audit_event;
DROP FUNCTION jamsos_audit_link();
DROP FUNCTION jamsos_audit_begin();
DROP TABLE audit_head;
ALTER TABLE audit_event DROP COLUMN prev_hash, DROP COLUMN hash;

-- Ids from a sequence (CACHE 1: the builder's reasoning above needs ids handed out in order).
CREATE SEQUENCE audit_event_id_seq AS bigint CACHE 1 OWNED BY audit_event.id;
SELECT setval('audit_event_id_seq', coalesce(max(id), 0) + 1, false) FROM audit_event;
COMMENT ON COLUMN audit_event.id IS
  'Increasing, stamped by audit_event_stamp; ids of rolled-back transactions are skipped (recorded as gaps in audit_link)';

-- Stamps id and time on every insert, whatever the inserting role supplied. SECURITY DEFINER for
-- the sequence only (jamsos_app holds no right on it); nobody can call it outside its trigger.
CREATE FUNCTION jamsos_audit_stamp() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  -- The transaction takes its xid before it draws the id: the builder's gap rule depends on it.
  PERFORM pg_current_xact_id();
  NEW.id := nextval('audit_event_id_seq');
  NEW.at := clock_timestamp();
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION jamsos_audit_stamp() FROM PUBLIC;
CREATE TRIGGER audit_event_stamp BEFORE INSERT ON audit_event
  FOR EACH ROW EXECUTE FUNCTION jamsos_audit_stamp();

-- The append-only guard names the table it guards (it now guards the links too).
CREATE OR REPLACE FUNCTION jamsos_audit_refuse_change() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

-- The chain: one link per id from 1 to the head's last_id, without holes. kind 'event' links an
-- event; 'gap' records an id no committed transaction holds, so an event later inserted there is
-- an insertion verify reports. hash = HMAC-SHA256(key, kind, id, prev_hash, canonical text).
CREATE TABLE audit_link (
  event_id  bigint PRIMARY KEY,
  kind      text NOT NULL CHECK (kind IN ('event', 'gap')),
  prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash      text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE TRIGGER audit_link_append_only BEFORE UPDATE OR DELETE ON audit_link
  FOR EACH ROW EXECUTE FUNCTION jamsos_audit_refuse_change();
CREATE TRIGGER audit_link_no_truncate BEFORE TRUNCATE ON audit_link
  FOR EACH STATEMENT EXECUTE FUNCTION jamsos_audit_refuse_change();

-- How far the chain is built, and the builder's gap watermark. Locked by the builder (one at a
-- time, whichever server runs it); requests never touch it.
CREATE TABLE audit_chain_head (
  singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  -- The chain covers ids 1 … last_id; last_hash is the link at last_id (GENESIS when empty).
  last_id        bigint NOT NULL,
  last_hash      text NOT NULL CHECK (last_hash ~ '^[0-9a-f]{64}$'),
  -- Ids up to settled_id that are absent were rolled back: they may be recorded as gaps.
  settled_id     bigint NOT NULL,
  -- The highest id visible in a snapshot and that snapshot's xmax: settled once every
  -- transaction below the xmax has ended.
  watermark_id   bigint,
  watermark_xmax xid8,
  built_at       timestamptz
);
INSERT INTO audit_chain_head (last_id, last_hash, settled_id) VALUES (0, repeat('0', 64), 0);

-- jamsos_app: events as before (SELECT, INSERT; no UPDATE/DELETE), the links read only and
-- scoped like the events they link; the head and the legacy links not at all.
REVOKE ALL ON audit_link, audit_chain_head, audit_legacy_link FROM jamsos_app;
-- SELECT on the sequence is currval() alone, so recordAudit learns the id it was given (RETURNING
-- would need the new row to pass the read policy, which an anonymous caller's event does not);
-- drawing ids (USAGE, UPDATE) stays the trigger's.
REVOKE ALL ON SEQUENCE audit_event_id_seq FROM jamsos_app;
GRANT SELECT ON SEQUENCE audit_event_id_seq TO jamsos_app;
GRANT SELECT ON audit_link TO jamsos_app;
ALTER TABLE audit_link ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_link_read ON audit_link FOR SELECT
  USING (EXISTS (SELECT 1 FROM audit_event e WHERE e.id = audit_link.event_id));
ALTER TABLE audit_chain_head ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_legacy_link ENABLE ROW LEVEL SECURITY;
