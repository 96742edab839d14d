-- Coverage declares the row-level security of its own table (issue 13 §4: it lived in the identity
-- module's 0006). Same policies, same meaning: a paid month follows its participant, the look-up
-- of the parent being itself filtered by the registry's participant policy (0017). No DELETE
-- policy: paid months are append-only facts and jamsos_app has no DELETE right on them.

ALTER TABLE coverage_month ENABLE ROW LEVEL SECURITY;
DROP POLICY coverage_month_read ON coverage_month;
DROP POLICY coverage_month_insert ON coverage_month;
DROP POLICY coverage_month_update ON coverage_month;
CREATE POLICY coverage_month_read ON coverage_month FOR SELECT
  USING (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = coverage_month.participant_id));
CREATE POLICY coverage_month_insert ON coverage_month FOR INSERT
  WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = coverage_month.participant_id)));
CREATE POLICY coverage_month_update ON coverage_month FOR UPDATE
  USING (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = coverage_month.participant_id)))
  WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = coverage_month.participant_id)));
