-- Three security findings of issue 12, item 7.
--
-- 1. "Channel is free text": a partner could post its own bill with channel "bri" and a plausible
--    bank reference, so the bank's genuine notice for another member later met
--    PAYMENT_REFERENCE_CONFLICT and that member's money was left unapplied. Payment channels are now
--    reference data with a kind, and the channel of a payment follows from who posts it
--    (src/contributions/channels.ts):
--      bank     banks and other payment institutions (virtual accounts, BRILink, PT Pos, e-wallets,
--               auto-debit): posted only by the integration bound to that channel, a partner key;
--      partner  a partner platform collecting contributions itself (JMO): posted by its own key;
--      counter  cash at a counter: posted by signed-in staff of the roles listed;
--      budget   sponsors and government budgets (APBN/APBD): Jamsos's own imports only;
--      retired  a channel text posted before this migration that is none of the above: kept for
--               the payments that name it, postable by nobody.
--    Adding a bank is a migration, like any reference data; binding a partner to its channel is an
--    administrator's act (PUT /partners/{partnerId}/payment-channel), audited.
-- 2. "The caller chooses paidAt, and coverage counts a payment as known from it": each paid month
--    now carries known_at, the instant Jamsos received the payment (payment.received_at, set from
--    the server's clock when it is posted), and coverage reads that. paid_at stays as the payer's
--    information. Months paid before this migration take their payment's received_at: what was
--    known, when. (A demo database seeded before it received every payment at seeding time, so its
--    past coverage shows as known from then on; a fresh seed imports histories with their own
--    known times, a system-only path.)
-- 3. "A 409 names the KPJ of a member outside the caller's scope": duplicate registrations outside
--    the caller's scope are audited (participant.duplicate_probe) and counted per caller in
--    registration_probe, to throttle probing.

CREATE TABLE payment_channel (
  code       text PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9_.:-]{0,39}$'),
  kind       text NOT NULL CHECK (kind IN ('bank', 'partner', 'counter', 'budget', 'retired')),
  name_id    text NOT NULL,
  name_en    text NOT NULL,
  -- Roles of signed-in users who may post this channel (counter channels only).
  user_roles text[] NOT NULL DEFAULT '{}',
  CHECK (kind = 'counter' OR user_roles = '{}')
);
INSERT INTO payment_channel (code, kind, name_id, name_en, user_roles) VALUES
  ('bri',       'bank',    'Bank BRI',                        'Bank BRI',                       '{}'),
  ('bni',       'bank',    'Bank BNI',                        'Bank BNI',                       '{}'),
  ('mandiri',   'bank',    'Bank Mandiri',                    'Bank Mandiri',                   '{}'),
  ('bsi',       'bank',    'Bank Syariah Indonesia',          'Bank Syariah Indonesia',         '{}'),
  ('btn',       'bank',    'Bank BTN',                        'Bank BTN',                       '{}'),
  ('bca',       'bank',    'Bank BCA',                        'Bank BCA',                       '{}'),
  ('bank_va',   'bank',    'Virtual account bank',            'Bank virtual account',           '{}'),
  ('brilink',   'bank',    'Agen BRILink',                    'BRILink agent',                  '{}'),
  ('pos',       'bank',    'Kantor Pos',                      'Post office (PT Pos)',           '{}'),
  ('dana',      'bank',    'Dompet digital DANA',             'DANA e-wallet',                  '{}'),
  ('autodebit', 'bank',    'Autodebet rekening',              'Account auto-debit',             '{}'),
  ('jmo',       'partner', 'Aplikasi JMO',                    'JMO mobile app',                 '{}'),
  ('branch',    'counter', 'Loket kantor cabang',             'Branch office counter',          '{admin,branch_officer}'),
  -- Perisai agents collect cash in their villages; POST /payments does not admit agents yet.
  ('perisai',   'counter', 'Agen Perisai',                    'Perisai agent',                  '{agent}'),
  ('sponsor',   'budget',  'Pemberi bantuan iuran',           'Sponsor',                        '{}'),
  ('apbn',      'budget',  'APBN (anggaran pemerintah pusat)', 'National budget (APBN)',        '{}'),
  ('apbd',      'budget',  'APBD (anggaran pemerintah daerah)', 'Regional budget (APBD)',       '{}');

-- Channel texts already in use keep their payments valid, and can be posted no more.
INSERT INTO payment_channel (code, kind, name_id, name_en)
SELECT DISTINCT p.channel, 'retired', p.channel, p.channel
FROM (SELECT channel FROM payment UNION SELECT channel FROM payment_reference) p
WHERE NOT EXISTS (SELECT 1 FROM payment_channel c WHERE c.code = p.channel);

ALTER TABLE payment ADD FOREIGN KEY (channel) REFERENCES payment_channel (code);
ALTER TABLE payment_reference ADD FOREIGN KEY (channel) REFERENCES payment_channel (code);

-- The channel a partner's keys post as: all its keys (a rotated key too), one channel per partner
-- and one partner per channel, so only the bank's own integration posts as the bank.
CREATE TABLE partner_payment_channel (
  partner_id bigint PRIMARY KEY,
  channel    text NOT NULL UNIQUE REFERENCES payment_channel (code),
  bound_at   timestamptz NOT NULL,
  bound_by   bigint
);

GRANT SELECT ON payment_channel TO jamsos_app;
GRANT SELECT, INSERT ON partner_payment_channel TO jamsos_app;
GRANT UPDATE (channel, bound_at, bound_by) ON partner_payment_channel TO jamsos_app;

-- Coverage is known from when Jamsos received the payment.
ALTER TABLE coverage_month ADD COLUMN known_at timestamptz;
UPDATE coverage_month c SET known_at = p.received_at
FROM payment p WHERE p.participant_id = c.participant_id AND p.id = c.payment_id;
ALTER TABLE coverage_month ALTER COLUMN known_at SET NOT NULL;

-- Registrations of a NIK held outside the caller's scope, per caller (user:<id>, or
-- partner:<id> for all of a partner's keys), counted in a sliding window to throttle probing
-- (src/registry/participants.ts). The audit trail records each one as well
-- (participant.duplicate_probe); this is the counter, owned by the registry.
CREATE TABLE registration_probe (
  id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor text NOT NULL,
  at    timestamptz NOT NULL
);
CREATE INDEX registration_probe_actor_idx ON registration_probe (actor, at);
GRANT SELECT, INSERT ON registration_probe TO jamsos_app;
