-- Login throttling and stored credentials (issue 12, items 6 and 7; docs/security.md §2 and §6).
--
-- 1. Lock-out as denial of service: five bad passwords every 15 minutes kept `admin` locked for
--    good, and only known accounts answered 423, telling which exist. Failed logins (auth_failure)
--    are now counted per address, per (username, address) and per username across addresses,
--    keyed by the username as typed whether or not the account exists (src/auth/throttle.ts). The
--    index below answers the per-username count. auth_failure.ip holds the client's network: an
--    IPv4 address, or an IPv6 /64.
-- 2. Addresses an account signed in from lately are exempt from the account-wide delay, so a
--    distributed attack does not keep the owner out: auth_known_address, keyed by the username.
-- 3. Tokens stored in clear: POST /auth/token and /auth/login with an Idempotency-Key kept their
--    answer (an access token, a CSRF token) in idempotency_key for a day. Public routes no longer
--    use Idempotency-Key at all (src/auth/plugin.ts); answers already stored are removed here.

CREATE INDEX auth_failure_username_idx ON auth_failure (username, at);

CREATE TABLE auth_known_address (
  username        text NOT NULL,
  net             text NOT NULL,
  last_success_at timestamptz NOT NULL,
  PRIMARY KEY (username, net)
);
-- Requests record sign-ins and clear the list on a password change or reset (migration 0010:
-- each table grants what requests need of it).
GRANT SELECT, INSERT, DELETE ON auth_known_address TO jamsos_app;
GRANT UPDATE (last_success_at) ON auth_known_address TO jamsos_app;

DELETE FROM idempotency_key WHERE response LIKE '%"accessToken":%' OR response LIKE '%"csrfToken":%';
