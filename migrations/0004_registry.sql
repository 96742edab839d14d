-- Participant registry (BPU, Bukan Penerima Upah: informal workers who pay for themselves).
--
-- Append-only facts: a participant row is the current state; every change to it is also written
-- to participant_change (who, when, before, after), so any past state can be rebuilt.

-- Coded lists (reference tables in Citus).
CREATE TABLE occupation (
  code        text PRIMARY KEY,
  name_id     text NOT NULL,
  name_en     text NOT NULL,
  -- 'transport' BPU (ojek, drivers, couriers) have their own PP 50/2025 discount window.
  grp         text NOT NULL DEFAULT 'general'
);
INSERT INTO occupation (code, name_id, name_en, grp) VALUES
  ('pedagang',      'Pedagang',                 'Trader',                   'general'),
  ('petani',        'Petani',                   'Farmer',                   'general'),
  ('nelayan',       'Nelayan',                  'Fisher',                   'general'),
  ('peternak',      'Peternak',                 'Livestock farmer',         'general'),
  ('ojek',          'Pengemudi ojek',           'Motorcycle taxi driver',   'transport'),
  ('driver',        'Pengemudi / sopir',        'Driver',                   'transport'),
  ('kurir',         'Kurir',                    'Courier',                  'transport'),
  ('buruh_harian',  'Buruh harian lepas',       'Day labourer',             'general'),
  ('pengrajin',     'Pengrajin',                'Craftsperson',             'general'),
  ('penjahit',      'Penjahit',                 'Tailor',                   'general'),
  ('montir',        'Montir / bengkel',         'Mechanic',                 'general'),
  ('tukang',        'Tukang bangunan',          'Construction worker',      'general'),
  ('asisten_rt',    'Asisten rumah tangga',     'Domestic worker',          'general'),
  ('pelaku_umkm',   'Pelaku usaha mikro',       'Micro-business owner',     'general'),
  ('seniman',       'Seniman / pekerja kreatif','Artist / creative worker', 'general'),
  ('marbot',        'Marbot / pengurus ibadah', 'Place-of-worship keeper',  'general'),
  ('lainnya',       'Lainnya',                  'Other',                    'general');

CREATE TABLE ecosystem (
  code    text PRIMARY KEY,
  name_id text NOT NULL,
  name_en text NOT NULL,
  -- The agency's "345" strategy groups e-commerce and UKM into one of four ecosystems.
  grp4    text NOT NULL
);
INSERT INTO ecosystem (code, name_id, name_en, grp4) VALUES
  ('desa',           'Desa',            'Village',           'desa'),
  ('pasar',          'Pasar',           'Market',            'pasar'),
  ('e-commerce',     'E-commerce',      'E-commerce',        'e-commerce-ukm'),
  ('ukm',            'UKM',             'Small business',    'e-commerce-ukm'),
  ('pekerja_rentan', 'Pekerja rentan',  'Vulnerable worker', 'pekerja_rentan');

CREATE TABLE channel (
  code    text PRIMARY KEY,
  name_id text NOT NULL,
  name_en text NOT NULL
);
INSERT INTO channel (code, name_id, name_en) VALUES
  ('branch',  'Kantor cabang',           'Branch office'),
  ('perisai', 'Agen Perisai',            'Perisai agent'),
  ('partner', 'Mitra (API)',             'Partner platform (API)'),
  ('jmo',     'Aplikasi JMO',            'JMO mobile app'),
  ('web',     'Situs web',               'Website'),
  ('bulk',    'Unggah massal',           'Bulk import'),
  ('sponsor', 'Pemberi bantuan iuran',   'Sponsor');

-- Membership numbers: KPJ = the 10-digit participant id followed by a Luhn check digit.
CREATE SEQUENCE participant_id_seq START 1000000001 MINVALUE 1000000001 MAXVALUE 9999999999 CACHE 100;

CREATE TABLE participant (
  id                 bigint PRIMARY KEY,                        -- distribution key
  kpj                char(11) NOT NULL CHECK (substr(kpj, 1, 10)::bigint = id),
  segment            text NOT NULL DEFAULT 'BPU' CHECK (segment IN ('BPU', 'PU')),
  -- NIK: AES-256-GCM ciphertext (iv ‖ tag ‖ data), HMAC-SHA256 blind index, masked display form.
  nik_cipher         bytea NOT NULL,
  nik_hash           bytea NOT NULL,
  nik_masked         text NOT NULL,
  -- District of first issue as written in the NIK; false when that code no longer exists.
  nik_district_code  text NOT NULL,
  nik_district_known boolean NOT NULL,
  full_name          text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 150),
  name_folded        text GENERATED ALWAYS AS (jamsos_fold(full_name)) STORED,
  birth_place        text NOT NULL,
  birth_date         date NOT NULL,
  gender             char(1) NOT NULL CHECK (gender IN ('M', 'F')),
  mother_maiden_name text NOT NULL,
  phone              text NOT NULL,
  address            text NOT NULL,
  village_code       text NOT NULL,
  district_code      text NOT NULL,
  regency_code       text NOT NULL,
  province_code      text NOT NULL,
  branch_code        text NOT NULL,
  occupation         text NOT NULL REFERENCES occupation (code),
  monthly_income     bigint NOT NULL CHECK (monthly_income > 0),
  programs           text[] NOT NULL,
  ecosystem          text NOT NULL REFERENCES ecosystem (code),
  channel            text NOT NULL REFERENCES channel (code),
  -- Who pays: the worker, a sponsor (CSR, zakat), or a government budget (APBN/APBD). PP 50/2025
  -- excludes APBN/APBD-paid BPU from its discount.
  funding            text NOT NULL DEFAULT 'self' CHECK (funding IN ('self', 'sponsor', 'apbn', 'apbd')),
  registered_at      timestamptz NOT NULL DEFAULT now(),
  registered_by      bigint,           -- user id (identity module), null for system loads
  agent_id           bigint,           -- Perisai agent who registered the worker
  partner_id         bigint,           -- partner platform that submitted the registration
  sponsor_id         bigint,           -- sponsor paying the contributions
  version            integer NOT NULL DEFAULT 1
);
CREATE INDEX participant_kpj_idx ON participant (kpj);
CREATE INDEX participant_nik_hash_idx ON participant (nik_hash);
CREATE INDEX participant_name_idx ON participant (name_folded text_pattern_ops);
CREATE INDEX participant_village_idx ON participant (village_code);
CREATE INDEX participant_branch_idx ON participant (branch_code, id);
CREATE INDEX participant_agent_idx ON participant (agent_id) WHERE agent_id IS NOT NULL;
CREATE INDEX participant_partner_idx ON participant (partner_id) WHERE partner_id IS NOT NULL;
CREATE INDEX participant_sponsor_idx ON participant (sponsor_id) WHERE sponsor_id IS NOT NULL;

-- One NIK, one participant: the blind index is unique across the whole registry. Its own table so
-- that in Citus it is distributed by the hash itself (a unique key must hold the distribution key).
CREATE TABLE nik_index (
  nik_hash       bytea PRIMARY KEY,                             -- distribution key
  participant_id bigint NOT NULL
);

-- Heirs (ahli waris) who receive JKM/JHT benefits.
CREATE TABLE heir (
  participant_id bigint NOT NULL,                               -- distribution key
  id             bigint GENERATED ALWAYS AS IDENTITY,
  full_name      text NOT NULL,
  relationship   text NOT NULL CHECK (relationship IN ('spouse', 'child', 'parent', 'sibling', 'grandchild', 'other')),
  birth_date     date,
  phone          text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  removed_at     timestamptz,
  PRIMARY KEY (participant_id, id)
);

-- Every change to a participant: who, when, which fields, before and after (NIK never in clear).
CREATE TABLE participant_change (
  participant_id bigint NOT NULL,                               -- distribution key
  id             bigint GENERATED ALWAYS AS IDENTITY,
  changed_at     timestamptz NOT NULL DEFAULT now(),
  changed_by     bigint,
  kind           text NOT NULL,           -- registered, contact, address, occupation, income, programs, heir_added, heir_removed
  before         jsonb,
  after          jsonb NOT NULL,
  PRIMARY KEY (participant_id, id)
);
CREATE INDEX participant_change_at_idx ON participant_change (changed_at);
