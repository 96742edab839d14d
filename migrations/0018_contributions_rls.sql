-- Contributions declare the row-level security of their own tables (issue 13 §4: it lived in the
-- identity module's 0006). Same policies, same meaning. Bills and payments follow their
-- participant: the look-up of the parent is itself filtered by the registry's participant policy
-- (0017). One primary-key probe per row; jamsos_sees_all() first, so admins skip it. No DELETE
-- policy: bills and payments are append-only facts and jamsos_app has no DELETE right on them.

ALTER TABLE bill ENABLE ROW LEVEL SECURITY;
DROP POLICY bill_read ON bill;
DROP POLICY bill_insert ON bill;
DROP POLICY bill_update ON bill;
CREATE POLICY bill_read ON bill FOR SELECT
  USING (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = bill.participant_id));
CREATE POLICY bill_insert ON bill FOR INSERT
  WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = bill.participant_id)));
CREATE POLICY bill_update ON bill FOR UPDATE
  USING (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = bill.participant_id)))
  WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = bill.participant_id)));

ALTER TABLE payment ENABLE ROW LEVEL SECURITY;
DROP POLICY payment_read ON payment;
DROP POLICY payment_insert ON payment;
DROP POLICY payment_update ON payment;
CREATE POLICY payment_read ON payment FOR SELECT
  USING (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = payment.participant_id));
CREATE POLICY payment_insert ON payment FOR INSERT
  WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = payment.participant_id)));
CREATE POLICY payment_update ON payment FOR UPDATE
  USING (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = payment.participant_id)))
  WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = payment.participant_id)));

-- (reference, channel) must be unique across the whole registry, or a scoped caller would miss a
-- reference already used elsewhere. It holds a channel's reference and ids only; the payment the
-- id names stays behind its own policy. So every caller with a role reads it, and writers add to it.
ALTER TABLE payment_reference ENABLE ROW LEVEL SECURITY;
DROP POLICY payment_reference_read ON payment_reference;
DROP POLICY payment_reference_insert ON payment_reference;
CREATE POLICY payment_reference_read ON payment_reference FOR SELECT USING (jamsos_sees_all() OR jamsos_role() <> '');
CREATE POLICY payment_reference_insert ON payment_reference FOR INSERT WITH CHECK (jamsos_may_write());

-- Read by every caller, on purpose.
COMMENT ON TABLE payment_channel IS 'reference data: the payment channels and the roles that may post each, the same for every caller';
COMMENT ON TABLE partner_payment_channel IS
  'unscoped: which partner''s keys post as which bank or partner channel (ids and a channel code, no member data), read by the posting path for every partner';
