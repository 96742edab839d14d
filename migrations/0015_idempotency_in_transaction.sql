-- Idempotency keys claimed and answered in the business transaction (issue 13 §2).
--
-- 1. A key's row is now inserted by the request's own transaction, before its handler runs, and
--    its answer stored in that transaction before it commits (src/platform/idempotency.ts). A row
--    whose status is NULL can only be a claim of the scheme before this one whose request never
--    answered (a crash between claim and completion kept it "in progress" for 24 hours): nothing
--    of its work can be told from here, and under the new scheme its key is simply free.
DELETE FROM idempotency_key WHERE status IS NULL;

-- 2. Stored answers are member data (a participant's card, a bill) and belong to the caller that
--    sent the key: row-level security keeps each caller to its own key space, the same space
--    idempotencyScope() names ('user:<id>', 'partner:<id>'). The request's transaction sets the
--    caller's jamsos.* settings (withActor) before it claims the key. Expired keys are removed by
--    the owner's pool (housekeeping), which row-level security does not restrict.
CREATE FUNCTION jamsos_idempotency_scope() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE coalesce(current_setting('jamsos.actor_kind', true), '')
    WHEN 'user' THEN 'user:' || nullif(current_setting('jamsos.user_id', true), '')
    WHEN 'partner_key' THEN 'partner:' || nullif(current_setting('jamsos.partner_id', true), '')
  END;

ALTER TABLE idempotency_key ENABLE ROW LEVEL SECURITY;
CREATE POLICY idempotency_key_own ON idempotency_key
  USING (scope = jamsos_idempotency_scope())
  WITH CHECK (scope = jamsos_idempotency_scope());

-- 3. Command ids (an Idempotency-Key that is a UUID, made by an offline client) are kept for
--    JAMSOS_COMMAND_ID_RETENTION_DAYS (90) instead of JAMSOS_IDEMPOTENCY_TTL_HOURS (24): the
--    difference is only each row's expires_at, set when it is claimed; no column is needed.
