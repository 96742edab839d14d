-- The application role holds only what requests need (issue 12, item 7: "the application's pool
-- is the cluster's superuser that switches role").
--
-- Requests used to run on the owner's connections switched to jamsos_app (startup parameter
-- role=jamsos_app): one SQL injection plus RESET ROLE was the superuser, with row-level security
-- off, the audit trigger droppable and COPY … TO PROGRAM at hand. jamsos_app now logs in as itself
-- (src/platform/app-login.ts gives it LOGIN and a password at start, or JAMSOS_APP_DATABASE_URL
-- names a login a DBA made), owns nothing, and holds the rights below and nothing else:
--   - reference data (regions, branches, programs, rates, code lists): read only;
--   - participant facts: read and append; the card itself only in the columns a change may touch;
--   - bills, payments, paid months: read and append, never changed or removed;
--   - identity: accounts only in their lock-out, password and disabled columns (and new accounts),
--     sessions and partner keys only in their revocation/expiry columns; the throttling and
--     replay bookkeeping may be cleared;
--   - the audit trail: append and read (migration 0007); its head only through jamsos_audit_begin().
-- Row-level security (0006) still decides which rows of these it reaches.
--
-- Default privileges no longer hand jamsos_app rights on tables later migrations create: each
-- migration that adds a table grants what requests need of it, next to the table, and
-- src/platform/app-login.test.ts holds the whole list so a broader grant is noticed.

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM jamsos_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM jamsos_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM jamsos_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM jamsos_app;
-- Nobody but the owner creates objects in the schema (PostgreSQL 15+ default; explicit for older
-- or managed clusters whose public schema was created otherwise).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM jamsos_app;
GRANT USAGE ON SCHEMA public TO jamsos_app;

-- Reference data: read only (loaded by the owner's pool: src/app.ts loadReferenceData).
GRANT SELECT ON province, regency, district, village, region_data, branch, branch_regency,
                program, contribution_rate, occupation, ecosystem, channel
  TO jamsos_app;

-- Participants. KPJ ids come from participant_id_seq (the only sequence requests draw from: the
-- identity columns' own sequences need no right of the inserting role).
GRANT USAGE ON SEQUENCE participant_id_seq TO jamsos_app;
GRANT SELECT, INSERT ON participant, nik_index, participant_change, heir TO jamsos_app;
-- What PATCH /participants/{kpj} may change (src/registry/participants.ts updateParticipant);
-- the NIK, name, birth date and who registered stay as registered.
GRANT UPDATE (phone, address, village_code, district_code, regency_code, province_code, branch_code,
              occupation, monthly_income, programs, version)
  ON participant TO jamsos_app;
-- Removing an heir stamps removed_at; the heir's row stays.
GRANT UPDATE (removed_at) ON heir TO jamsos_app;

-- Money: bills, payments and paid months are append-only facts.
GRANT SELECT, INSERT ON bill, payment, payment_reference, coverage_month TO jamsos_app;

-- Identity. Agent territories are set by Jamsos itself (src/auth/index.ts setAgentTerritory).
GRANT SELECT ON agent_territory TO jamsos_app;
GRANT SELECT, INSERT ON app_user TO jamsos_app;
GRANT UPDATE (failed_attempts, locked_until, password_hash, password_changed_at, disabled_at) ON app_user TO jamsos_app;
GRANT SELECT, INSERT, DELETE ON auth_session TO jamsos_app;
GRANT UPDATE (revoked_at) ON auth_session TO jamsos_app;
GRANT SELECT, INSERT, DELETE ON auth_failure, signature_replay TO jamsos_app;
GRANT SELECT, INSERT ON partner_key TO jamsos_app;
GRANT UPDATE (expires_at, replaced_by, revoked_at) ON partner_key TO jamsos_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_key TO jamsos_app;

-- Audit: append and read; the head moves only through the SECURITY DEFINER functions of 0007.
GRANT SELECT, INSERT ON audit_event TO jamsos_app;
