-- Default-deny (issue 13 §4): every table the application role can read has row-level security,
-- or its comment declares why every caller may read all of it. src/platform/default-deny.test.ts
-- fails on any other, so a new table (a ledger, an outbox) is never readable by every scoped
-- caller by accident. Two declarations, each followed by the reason:
--   'reference data: …'  the same for every caller (regions, programs, rates, code lists);
--   'unscoped: …'        bookkeeping that holds no member's data and is read before or beside any
--                        scope (accounts at sign-in, throttles, queue settings).
-- Modules whose tables came before this rule declare them here or in their own RLS migration
-- (registry 0017, contributions 0018); a table created from now on carries its row-level security
-- or its declaration in the migration that creates it.

-- Regions and branch offices (0002), loaded by the owner's pool (src/app.ts loadReferenceData).
COMMENT ON TABLE province IS 'reference data: official provinces (Kemendagri codes), the same for every caller';
COMMENT ON TABLE regency IS 'reference data: official regencies and cities (Kemendagri codes), the same for every caller';
COMMENT ON TABLE district IS 'reference data: official districts (Kemendagri codes), the same for every caller';
COMMENT ON TABLE village IS 'reference data: official villages (Kemendagri codes), the same for every caller';
COMMENT ON TABLE region_data IS 'reference data: which region data set is loaded (source and checksum)';
COMMENT ON TABLE branch IS 'reference data: the branch offices (Kantor Cabang), the same for every caller';
COMMENT ON TABLE branch_regency IS 'reference data: which branch office serves each regency, the same for every caller';

-- Programs and the dated contribution-rate table (0003).
COMMENT ON TABLE program IS 'reference data: the five programs (JKK, JKM, JHT, JP, JKP), the same for every caller';
COMMENT ON TABLE contribution_rate IS 'reference data: dated contribution rates with the regulation each comes from, the same for every caller';

-- Identity (0006, 0012): read by sign-in, token and signature checks before any scope exists, so
-- row-level security by scope cannot apply; they hold accounts and credentials' hashes, no member's
-- data (a participant account names its participant by id only; the row stays behind its policy).
COMMENT ON TABLE app_user IS 'unscoped: accounts, read by sign-in and session checks before any scope exists; password hashes only, no member data';
COMMENT ON TABLE auth_session IS 'unscoped: sessions by the SHA-256 of their token, read to authenticate a request before any scope exists';
COMMENT ON TABLE auth_failure IS 'unscoped: failed sign-ins per address, read by the sign-in throttle before any scope exists';
COMMENT ON TABLE auth_known_address IS 'unscoped: addresses each account signed in from, read by the sign-in throttle before any scope exists';
COMMENT ON TABLE partner_key IS 'unscoped: partner API keys (secrets encrypted), read to check a signed request before any scope exists';
COMMENT ON TABLE signature_replay IS 'unscoped: accepted request signatures, read to refuse a replay before any scope exists';
COMMENT ON TABLE agent_territory IS 'unscoped: villages each Perisai agent covers, read by the participant policy itself (jamsos_agent_villages)';

-- The job queue (0013): requests read the queues' settings and the id of the job they add.
COMMENT ON TABLE pgboss.queue IS 'reference data: job queue settings (names, retry limits, dead-letter queues), no job data';
COMMENT ON TABLE pgboss.job IS 'unscoped: the application role reads only the id column (enqueue''s RETURNING id), no job data, state or output';
