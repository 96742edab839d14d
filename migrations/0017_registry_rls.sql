-- The registry declares the row-level security of its own tables (issue 13 §4: it lived in the
-- identity module's 0006). Same policies, same meaning, now beside the module that owns the rows;
-- 0006 keeps the scope functions every module's policies call (jamsos_participant_visible(),
-- jamsos_sees_all(), jamsos_may_write(): the caller's scope as SQL, an identity concern).
--
-- Default-deny (src/platform/default-deny.test.ts): every table the application role can read has
-- row-level security, or says here why every caller may read all of it ('reference data: …', or
-- 'unscoped: …' for bookkeeping that holds no member's data), as its table comment.
--
-- ENABLE without FORCE: the owner (system pool) bypasses, jamsos_app does not. No DELETE policy:
-- these are append-only facts and jamsos_app has no DELETE right on them anyway.

ALTER TABLE participant ENABLE ROW LEVEL SECURITY;
DROP POLICY participant_read ON participant;
DROP POLICY participant_insert ON participant;
DROP POLICY participant_update ON participant;
CREATE POLICY participant_read ON participant FOR SELECT
  USING (jamsos_participant_visible(id, branch_code, village_code, agent_id, partner_id, sponsor_id));
CREATE POLICY participant_insert ON participant FOR INSERT
  WITH CHECK (jamsos_may_write() AND jamsos_participant_visible(id, branch_code, village_code, agent_id, partner_id, sponsor_id));
CREATE POLICY participant_update ON participant FOR UPDATE
  USING (jamsos_may_write() AND jamsos_participant_visible(id, branch_code, village_code, agent_id, partner_id, sponsor_id))
  WITH CHECK (jamsos_may_write() AND jamsos_participant_visible(id, branch_code, village_code, agent_id, partner_id, sponsor_id));

-- Heirs and the change history follow their participant: the look-up of the parent is itself
-- filtered by the participant policy. One primary-key probe per row; jamsos_sees_all() first, so
-- admins skip it.
ALTER TABLE heir ENABLE ROW LEVEL SECURITY;
DROP POLICY heir_read ON heir;
DROP POLICY heir_insert ON heir;
DROP POLICY heir_update ON heir;
CREATE POLICY heir_read ON heir FOR SELECT
  USING (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = heir.participant_id));
CREATE POLICY heir_insert ON heir FOR INSERT
  WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = heir.participant_id)));
CREATE POLICY heir_update ON heir FOR UPDATE
  USING (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = heir.participant_id)))
  WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = heir.participant_id)));

ALTER TABLE participant_change ENABLE ROW LEVEL SECURITY;
DROP POLICY participant_change_read ON participant_change;
DROP POLICY participant_change_insert ON participant_change;
DROP POLICY participant_change_update ON participant_change;
CREATE POLICY participant_change_read ON participant_change FOR SELECT
  USING (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = participant_change.participant_id));
CREATE POLICY participant_change_insert ON participant_change FOR INSERT
  WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = participant_change.participant_id)));
CREATE POLICY participant_change_update ON participant_change FOR UPDATE
  USING (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = participant_change.participant_id)))
  WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = participant_change.participant_id)));

-- The NIK uniqueness index must answer for the whole registry, or a scoped caller would miss a
-- duplicate registered elsewhere: an agent registering a NIK already held in another branch must
-- learn that it is taken. It holds only a keyed hash (HMAC of the NIK, computable only with the
-- server's key) and an id; the row that id names stays behind its own policy. So every caller with
-- a role reads it, and writers add to it.
ALTER TABLE nik_index ENABLE ROW LEVEL SECURITY;
DROP POLICY nik_index_read ON nik_index;
DROP POLICY nik_index_insert ON nik_index;
CREATE POLICY nik_index_read ON nik_index FOR SELECT USING (jamsos_sees_all() OR jamsos_role() <> '');
CREATE POLICY nik_index_insert ON nik_index FOR INSERT WITH CHECK (jamsos_may_write());

-- Read by every caller, on purpose.
COMMENT ON TABLE occupation IS 'reference data: the occupation code list and its PP 50/2025 discount group, the same for every caller';
COMMENT ON TABLE ecosystem IS 'reference data: the ecosystem code list ("345" strategy), the same for every caller';
COMMENT ON TABLE channel IS 'reference data: the registration channel code list, the same for every caller';
COMMENT ON TABLE registration_probe IS
  'unscoped: counts of a caller''s own duplicate probes (actor key and instant, no member data), read by the registration path to throttle probing';
