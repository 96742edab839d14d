-- The digital membership card (issue 14) and its public verification (src/card/).
--
-- A card is a fact: issued to a participant at an instant by someone. Its QR code holds a signed
-- token naming the card (id, KPJ, issue time; never the NIK), so the card itself is not stored,
-- only that it was issued. Revoking a card sets its revocation columns once, and the trigger
-- below refuses any later change: a revoked card stays revoked, with when, by whom and why.
-- Issuing a new card revokes the live one in the same transaction (reason 'replaced'); the partial
-- unique index makes "one live card per participant" hold even for two issues racing.
CREATE TABLE membership_card (
  participant_id  bigint NOT NULL,                               -- distribution key
  id              bigint GENERATED ALWAYS AS IDENTITY,
  issued_at       timestamptz NOT NULL,
  issued_by       bigint,                                        -- app_user id; null for Jamsos itself or a partner key
  issued_by_name  text NOT NULL,
  revoked_at      timestamptz,
  revoked_by      bigint,
  revoked_by_name text,
  revoke_reason   text CHECK (revoke_reason IN ('replaced', 'lost', 'stolen', 'damaged', 'data_changed', 'other')),
  PRIMARY KEY (participant_id, id),
  CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL) AND (revoked_at IS NULL) = (revoked_by_name IS NULL)),
  CHECK (revoked_at IS NULL OR revoked_at >= issued_at)
);
CREATE UNIQUE INDEX membership_card_live_idx ON membership_card (participant_id) WHERE revoked_at IS NULL;

-- The revocation columns are set once; nothing else ever changes (the column grants already keep
-- jamsos_app to the revocation columns; this holds for the owner's pool too).
CREATE FUNCTION jamsos_card_revoke_once() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.revoked_at IS NOT NULL THEN
    RAISE EXCEPTION 'membership card % is already revoked', OLD.id USING ERRCODE = '23514';
  END IF;
  IF (NEW.participant_id, NEW.id, NEW.issued_at, NEW.issued_by, NEW.issued_by_name)
     IS DISTINCT FROM (OLD.participant_id, OLD.id, OLD.issued_at, OLD.issued_by, OLD.issued_by_name) THEN
    RAISE EXCEPTION 'a membership card''s issue is a fact and cannot change' USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER membership_card_revoke_once BEFORE UPDATE ON membership_card
  FOR EACH ROW EXECUTE FUNCTION jamsos_card_revoke_once();
CREATE FUNCTION jamsos_card_refuse_removal() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'membership cards are kept (% refused): revoke a card instead', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER membership_card_no_removal BEFORE DELETE OR TRUNCATE ON membership_card
  FOR EACH STATEMENT EXECUTE FUNCTION jamsos_card_refuse_removal();

-- Public verifications, counted per card and Jakarta day (docs/security.md, "Membership cards"):
-- who scans a card is nobody's business and an anonymous read is not a change, so verifications
-- are not audit events (each would take the audit chain's head and let the public flood the
-- trail); a tally per card and day tells a member or an officer how often and when a card was
-- checked, and grows by at most one row per card and day however often it is scanned.
CREATE TABLE membership_card_check (
  participant_id  bigint NOT NULL,                               -- distribution key
  card_id         bigint NOT NULL,
  day             date NOT NULL,
  checks          integer NOT NULL CHECK (checks > 0),
  last_checked_at timestamptz NOT NULL,
  PRIMARY KEY (participant_id, card_id, day)
);

-- Row-level security: both follow their participant, as the other child tables do (0006).
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['membership_card', 'membership_card_check'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY %I ON %I FOR SELECT
      USING (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = %I.participant_id))$p$, t || '_read', t, t);
    EXECUTE format($p$CREATE POLICY %I ON %I FOR INSERT
      WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = %I.participant_id)))$p$, t || '_insert', t, t);
    EXECUTE format($p$CREATE POLICY %I ON %I FOR UPDATE
      USING (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = %I.participant_id)))
      WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = %I.participant_id)))$p$, t || '_update', t, t, t);
  END LOOP;
END
$$;

-- What requests need (migration 0010: each table grants its own): cards are issued and revoked,
-- never removed; verification tallies are added to.
GRANT SELECT, INSERT ON membership_card TO jamsos_app;
GRANT UPDATE (revoked_at, revoked_by, revoked_by_name, revoke_reason) ON membership_card TO jamsos_app;
GRANT SELECT, INSERT ON membership_card_check TO jamsos_app;
GRANT UPDATE (checks, last_checked_at) ON membership_card_check TO jamsos_app;
