-- The audit trail: who did what, when, from where, to which record, with the changed fields before
-- and after (NIK masked). Append-only, and a hash chain: each row carries the SHA-256 of the row
-- before it, so a row changed or removed behind the application's back is found by
-- `jamsos audit verify`, which names the first broken row.
--
-- Citus: audit_event stays a local table on the coordinator. A single linear chain needs one
-- place that orders every append; distributing it would need one chain per shard. See
-- docs/security.md.

CREATE TABLE audit_event (
  -- 1, 2, 3, … without gaps: the id is taken from audit_head under its row lock.
  id               bigint PRIMARY KEY,
  at               timestamptz NOT NULL,
  actor_kind       text NOT NULL,
  actor_user_id    bigint,
  actor_partner_id bigint,
  actor_name       text NOT NULL,
  actor_role       text,
  ip               text,
  action           text NOT NULL,
  entity_type      text NOT NULL,
  entity_id        text,
  -- Branch of the record, so branch officers see the events of their branches.
  branch_code      text,
  -- {"before": {...}, "after": {...}} of the changed fields only; NIK masked.
  changes          jsonb,
  prev_hash        text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash             text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_event_entity_idx ON audit_event (entity_type, entity_id, id);
CREATE INDEX audit_event_actor_idx ON audit_event (actor_user_id, id);
CREATE INDEX audit_event_branch_idx ON audit_event (branch_code, id);
CREATE INDEX audit_event_at_idx ON audit_event (at);

-- The end of the chain. Locking this one row orders the appends; it also lets verify notice rows
-- cut from the end of the chain.
CREATE TABLE audit_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id   bigint NOT NULL,
  last_hash text NOT NULL
);
INSERT INTO audit_head (last_id, last_hash) VALUES (0, repeat('0', 64));

-- Nobody edits history: not the application, not the owner (short of dropping the trigger, which
-- verify would then expose).
CREATE FUNCTION jamsos_audit_refuse_change() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION jamsos_audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION jamsos_audit_refuse_change();

-- Starts an append: locks the head (held until the caller's transaction ends, so appends form
-- one line) and returns the next id, the hash to chain to, and the time to stamp.
CREATE FUNCTION jamsos_audit_begin(OUT next_id bigint, OUT prev_hash text, OUT at timestamptz)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  SELECT h.last_id + 1, h.last_hash INTO next_id, prev_hash FROM audit_head h WHERE h.singleton FOR UPDATE;
  -- Millisecond precision, so the stamp the hash covers survives the trip through JavaScript.
  at := date_trunc('milliseconds', clock_timestamp());
END
$$;

-- Every insert must extend the head exactly; the head then moves to it.
CREATE FUNCTION jamsos_audit_link() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE h audit_head;
BEGIN
  SELECT * INTO h FROM audit_head WHERE singleton FOR UPDATE;
  IF NEW.id <> h.last_id + 1 OR NEW.prev_hash <> h.last_hash THEN
    RAISE EXCEPTION 'audit_event % does not extend the chain head % (call jamsos_audit_begin first)', NEW.id, h.last_id
      USING ERRCODE = 'serialization_failure';
  END IF;
  UPDATE audit_head SET last_id = NEW.id, last_hash = NEW.hash WHERE singleton;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_event_link BEFORE INSERT ON audit_event
  FOR EACH ROW EXECUTE FUNCTION jamsos_audit_link();

-- jamsos_app appends and reads; it cannot change, delete or move the head itself.
REVOKE ALL ON audit_event, audit_head FROM jamsos_app;
GRANT SELECT, INSERT ON audit_event TO jamsos_app;
REVOKE ALL ON FUNCTION jamsos_audit_begin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION jamsos_audit_begin() TO jamsos_app;

-- Scope of reading: everything for Jamsos, admins and management; a branch officer the events of
-- its branches and its own; everyone else only their own actions (a partner: its keys' and users').
ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_event_read ON audit_event FOR SELECT USING (
  jamsos_sees_all()
  OR (jamsos_role() = 'branch_officer' AND branch_code = ANY (jamsos_branches()))
  OR actor_user_id = jamsos_scope_id('user_id')
  OR (jamsos_role() = 'partner' AND actor_role = 'partner' AND actor_partner_id = jamsos_scope_id('partner_id'))
);
CREATE POLICY audit_event_append ON audit_event FOR INSERT WITH CHECK (true);
