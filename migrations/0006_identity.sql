-- Identity and access: accounts, sessions, partner keys, idempotency, and row-level security on the
-- participant data.
--
-- Two database roles do the work. The migration owner (the system pool: migrations, bulk COPY,
-- seeding, jobs) owns every table and bypasses row-level security. Requests run as jamsos_app,
-- which holds only SELECT/INSERT/UPDATE and is subject to the policies below: a scoped caller can
-- never read or change a participant row outside its scope, whatever the route's SQL says.
-- The caller's scope reaches PostgreSQL through transaction-local settings jamsos.* that
-- withActor() (src/platform/actor.ts) sets at the start of every request transaction.
--
-- Citus: the identity tables here are small and hot; they stay local to the coordinator, except
-- agent_territory, a reference table because the participant policy reads it on every shard.

-- 1. The application role ---------------------------------------------------------------------

-- Roles are cluster-wide: create once, and let a DBA pre-create it where the owner lacks CREATEROLE.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jamsos_app') THEN
    CREATE ROLE jamsos_app NOLOGIN;
  END IF;
  -- The owner connects and switches to jamsos_app (startup parameter role=jamsos_app).
  IF NOT pg_has_role(current_user, 'jamsos_app', 'MEMBER') THEN
    EXECUTE format('GRANT jamsos_app TO %I', current_user);
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO jamsos_app;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO jamsos_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO jamsos_app;
-- Tables later migrations create get the same rights (DELETE is granted table by table).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO jamsos_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO jamsos_app;
-- Migration history is the owner's alone.
REVOKE ALL ON schema_migration FROM jamsos_app;

-- 2. The caller's scope, as SQL ---------------------------------------------------------------
-- Small STABLE SQL functions: the planner inlines them into the policies, so a branch officer's
-- scan still uses participant_branch_idx. An unset setting reads as '' or NULL: no scope at all.

CREATE FUNCTION jamsos_role() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN coalesce(current_setting('jamsos.role', true), '');

CREATE FUNCTION jamsos_scope_id(name text) RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN nullif(current_setting('jamsos.' || name, true), '')::bigint;

CREATE FUNCTION jamsos_branches() RETURNS text[]
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN coalesce(string_to_array(nullif(current_setting('jamsos.branches', true), ''), ','), '{}');

-- Jamsos itself (start-up, jobs), admins and management read every row.
CREATE FUNCTION jamsos_sees_all() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN coalesce(current_setting('jamsos.actor_kind', true), '') = 'system'
      OR jamsos_role() IN ('admin', 'management');

-- Management reads the whole country but changes nothing; anonymous has no role and no rights.
CREATE FUNCTION jamsos_may_write() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN coalesce(current_setting('jamsos.actor_kind', true), '') = 'system'
      OR jamsos_role() IN ('admin', 'branch_officer', 'agent', 'partner', 'sponsor', 'participant');

-- Villages a Perisai agent works in; its participants are those it registered plus those living
-- in its territory. Filled by the agents module through src/auth/index.ts.
CREATE TABLE agent_territory (
  agent_id     bigint NOT NULL,
  village_code text NOT NULL,
  PRIMARY KEY (agent_id, village_code)
);
GRANT DELETE ON agent_territory TO jamsos_app;

-- The scope values as the participant policy compares them: each is empty (NULL, '{}') unless the
-- caller's role uses it. Written so that every arm of the policy is "indexed column = value": the
-- planner then answers a scoped caller with a BitmapOr of index scans (participant_branch_idx,
-- participant_agent_idx, …) instead of reading the whole registry through one big OR.
CREATE FUNCTION jamsos_scope_branches() RETURNS text[]
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE WHEN jamsos_role() = 'branch_officer' THEN jamsos_branches() ELSE '{}' END;

CREATE FUNCTION jamsos_scope_of(p_role text, p_name text) RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE WHEN jamsos_role() = p_role THEN jamsos_scope_id(p_name) END;

-- Not inlined (it reads a table), but as an index condition it runs once per scan, not per row.
CREATE FUNCTION jamsos_agent_villages() RETURNS text[]
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE WHEN jamsos_role() = 'agent'
    THEN ARRAY(SELECT t.village_code FROM agent_territory t WHERE t.agent_id = jamsos_scope_id('agent_id'))
    ELSE '{}' END;

-- "Every row" in the same indexable shape: participant ids are positive, so id >= 0 holds for all
-- of them and id >= NULL for none.
CREATE FUNCTION jamsos_all_ids_from() RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN CASE WHEN jamsos_sees_all() THEN 0 END;

-- Whether the caller may see a participant with these attributes. Inlined into the policies.
CREATE FUNCTION jamsos_participant_visible(
  p_id bigint, p_branch_code text, p_village_code text, p_agent_id bigint, p_partner_id bigint, p_sponsor_id bigint
) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN p_id >= jamsos_all_ids_from()
    OR p_branch_code = ANY (jamsos_scope_branches())
    OR p_agent_id = jamsos_scope_of('agent', 'agent_id')
    OR p_village_code = ANY (jamsos_agent_villages())
    OR p_partner_id = jamsos_scope_of('partner', 'partner_id')
    OR p_sponsor_id = jamsos_scope_of('sponsor', 'sponsor_id')
    OR p_id = jamsos_scope_of('participant', 'participant_id');

-- 3. Row-level security on participant data ---------------------------------------------------
-- ENABLE without FORCE: the owner (system pool) bypasses, jamsos_app does not. No DELETE policy:
-- these are append-only facts and jamsos_app has no DELETE right on them anyway.

ALTER TABLE participant ENABLE ROW LEVEL SECURITY;
CREATE POLICY participant_read ON participant FOR SELECT
  USING (jamsos_participant_visible(id, branch_code, village_code, agent_id, partner_id, sponsor_id));
CREATE POLICY participant_insert ON participant FOR INSERT
  WITH CHECK (jamsos_may_write() AND jamsos_participant_visible(id, branch_code, village_code, agent_id, partner_id, sponsor_id));
CREATE POLICY participant_update ON participant FOR UPDATE
  USING (jamsos_may_write() AND jamsos_participant_visible(id, branch_code, village_code, agent_id, partner_id, sponsor_id))
  WITH CHECK (jamsos_may_write() AND jamsos_participant_visible(id, branch_code, village_code, agent_id, partner_id, sponsor_id));

-- Child tables follow their participant: the look-up of the parent is itself filtered by the
-- participant policy. One primary-key probe per row; jamsos_sees_all() first, so admins skip it.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['heir', 'participant_change', 'bill', 'payment', 'coverage_month'] LOOP
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

-- The two uniqueness indexes must answer for the whole registry, or a scoped caller would miss a
-- duplicate registered elsewhere: an agent registering a NIK already held in another branch must
-- learn that it is taken. They hold only a keyed hash (HMAC of the NIK, computable only with the
-- server's key) or a channel's payment reference, and an id; the row that id names stays behind
-- its own policy. So every caller with a role reads them, and writers add to them.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['nik_index', 'payment_reference'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (jamsos_sees_all() OR jamsos_role() <> %L)', t || '_read', t, '');
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (jamsos_may_write())', t || '_insert', t);
  END LOOP;
END
$$;

-- 4. Accounts ---------------------------------------------------------------------------------

CREATE TABLE app_user (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username            text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
  display_name        text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 150),
  role                text NOT NULL CHECK (role IN ('admin', 'management', 'branch_officer', 'agent', 'partner', 'sponsor', 'participant')),
  branch_codes        text[] NOT NULL DEFAULT '{}',
  agent_id            bigint,
  partner_id          bigint,
  sponsor_id          bigint,
  participant_id      bigint,
  permissions         text[] NOT NULL DEFAULT '{}',
  -- scrypt$N$r$p$salt$hash (salt and hash base64)
  password_hash       text NOT NULL,
  failed_attempts     integer NOT NULL DEFAULT 0,
  locked_until        timestamptz,
  disabled_at         timestamptz,
  password_changed_at timestamptz NOT NULL,
  created_at          timestamptz NOT NULL,
  created_by          bigint,
  -- Each role carries the link its scope needs.
  CHECK (role <> 'branch_officer' OR cardinality(branch_codes) > 0),
  CHECK (role <> 'agent' OR agent_id IS NOT NULL),
  CHECK (role <> 'partner' OR partner_id IS NOT NULL),
  CHECK (role <> 'sponsor' OR sponsor_id IS NOT NULL),
  CHECK (role <> 'participant' OR participant_id IS NOT NULL)
);
CREATE INDEX app_user_role_idx ON app_user (role);

-- Browser sessions (cookie) and API bearer tokens. Only the SHA-256 of the random token is kept,
-- so a copy of this table opens no session.
CREATE TABLE auth_session (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash  bytea NOT NULL UNIQUE,
  kind        text NOT NULL CHECK (kind IN ('cookie', 'bearer')),
  user_id     bigint NOT NULL REFERENCES app_user (id),
  -- Synchronizer CSRF token of a cookie session (SHA-256 of it).
  csrf_hash   bytea,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  ip          text
);
CREATE INDEX auth_session_user_idx ON auth_session (user_id) WHERE revoked_at IS NULL;
CREATE INDEX auth_session_expires_idx ON auth_session (expires_at);
GRANT DELETE ON auth_session TO jamsos_app;

-- Failed logins per address: the sliding window behind the per-address throttle.
CREATE TABLE auth_failure (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ip       text NOT NULL,
  username text,
  at       timestamptz NOT NULL
);
CREATE INDEX auth_failure_ip_idx ON auth_failure (ip, at);
GRANT DELETE ON auth_failure TO jamsos_app;

-- 5. Partner API keys -------------------------------------------------------------------------

CREATE TABLE partner_key (
  key_id        text PRIMARY KEY CHECK (key_id ~ '^pk_[0-9a-f]{16}$'),
  partner_id    bigint NOT NULL,
  -- AES-256-GCM: iv (12) ‖ tag (16) ‖ ciphertext, the key id as associated data.
  secret_cipher bytea NOT NULL,
  created_at    timestamptz NOT NULL,
  created_by    bigint,
  -- Set when rotated: the old key keeps working until then (the overlap window).
  expires_at    timestamptz,
  revoked_at    timestamptz,
  replaced_by   text REFERENCES partner_key (key_id)
);
CREATE INDEX partner_key_partner_idx ON partner_key (partner_id);

-- Signatures already accepted, kept until their timestamp falls out of the window: a replay is
-- refused by the unique key in every process.
CREATE TABLE signature_replay (
  signature  text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX signature_replay_expires_idx ON signature_replay (expires_at);
GRANT DELETE ON signature_replay TO jamsos_app;

-- 6. Idempotency ------------------------------------------------------------------------------

CREATE TABLE idempotency_key (
  scope         text NOT NULL,      -- user:<id> or partner:<id>
  key           text NOT NULL,
  request_hash  text NOT NULL,      -- sha256 of method, URL and canonical body
  status        integer,            -- NULL while the first request is still running
  content_type  text,
  response      text,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_key_expires_idx ON idempotency_key (expires_at);
GRANT DELETE ON idempotency_key TO jamsos_app;
