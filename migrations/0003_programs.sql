-- Programs and their contribution rates (reference tables in Citus: small, read everywhere).
--
-- Every rate, cap, income bound and discount is a dated row with the regulation it comes from, so
-- a bill for any month uses the rule in force in that month (src/programs/contribution.ts: the
-- row in force on the 1st of the month). A new regulation is a new migration that closes the old
-- rows' effective_to and inserts new rows; a figure is never edited in place (docs/rates.md).
--
-- Rows whose figure or date is not backed by docs/domain regulations (marked UNCONFIRMED there,
-- or not given at all) carry confirmed = false and are listed in docs/rates.md to verify.

CREATE TABLE program (
  code        text PRIMARY KEY CHECK (code IN ('JKK', 'JKM', 'JHT', 'JP', 'JKP')),
  name_id     text NOT NULL,
  name_en     text NOT NULL,
  -- BPU: JKK, JKM, JHT only; JP and JKP are for wage earners (PU).
  segments    text[] NOT NULL CHECK (segments <@ ARRAY['BPU', 'PU']::text[] AND cardinality(segments) > 0),
  legal_basis text NOT NULL,
  sort_order  integer NOT NULL
);

INSERT INTO program (code, name_id, name_en, segments, legal_basis, sort_order) VALUES
  ('JKK', 'Jaminan Kecelakaan Kerja',     'Work accident benefit',  '{BPU,PU}', 'PP 44/2015 as amended by PP 82/2019 and PP 49/2023', 1),
  ('JKM', 'Jaminan Kematian',             'Death benefit',          '{BPU,PU}', 'PP 44/2015 as amended by PP 82/2019 and PP 49/2023', 2),
  ('JHT', 'Jaminan Hari Tua',             'Old-age savings',        '{BPU,PU}', 'PP 46/2015', 3),
  ('JP',  'Jaminan Pensiun',              'Pension',                '{PU}',     'PP 45/2015', 4),
  ('JKP', 'Jaminan Kehilangan Pekerjaan', 'Job loss benefit',       '{PU}',     'PP 37/2021 as amended by PP 6/2025', 5);

-- value units by basis:
--   percent_of_income, discount_percent: hundredths of a basis point (millionths): 1% = 10000,
--     0.24% = 2400, 50% = 500000. Amounts are computed in integers and rounded half up per line.
--   flat, wage_cap, income_min, income_max: whole Rupiah.
-- condition: facts the row applies to, as data (never an `if` in code). Keys understood by the
--   calculator: occupationGroups, excludeOccupationGroups, excludeFunding, riskClass, industries,
--   minWorkers. An unknown key is refused by the calculator rather than ignored.
-- funded_from: the share is carved out of that program's contribution (JKP recomposition, PP 37/2021):
--   it is an allocation of money the employer already pays, not an extra charge.
CREATE TABLE contribution_rate (
  id             integer PRIMARY KEY,   -- fixed in migrations so bill lines cite the same id everywhere
  segment        text NOT NULL CHECK (segment IN ('BPU', 'PU')),
  program        text REFERENCES program (code),   -- null: applies to the segment (declared income bounds)
  component      text NOT NULL CHECK (component IN ('contribution', 'recomposition', 'discount', 'wage_cap', 'declared_income')),
  payer          text CHECK (payer IN ('participant', 'employer', 'worker', 'government')),
  basis          text NOT NULL CHECK (basis IN ('percent_of_income', 'flat', 'wage_cap', 'income_min', 'income_max', 'discount_percent')),
  value          bigint NOT NULL CHECK (value >= 0),
  funded_from    text REFERENCES program (code),
  condition      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(condition) = 'object'),
  effective_from date NOT NULL,
  effective_to   date,                  -- inclusive; null = until a later regulation closes it
  regulation     text NOT NULL,
  confirmed      boolean NOT NULL,
  note           text,
  -- A correction: the row was wrong and this one replaces it. Kept for the bills that cite it, but
  -- no longer used by the calculator (docs/rates.md, "Adding or correcting a regulation").
  replaced_by    integer REFERENCES contribution_rate (id),
  CHECK (replaced_by IS NULL OR replaced_by <> id),
  CHECK (effective_to IS NULL OR effective_to >= effective_from),
  CHECK (basis <> 'discount_percent' OR value <= 1000000),
  -- Which bases each component may use.
  CHECK (CASE component
           WHEN 'contribution'    THEN basis IN ('percent_of_income', 'flat')
           WHEN 'recomposition'   THEN basis = 'percent_of_income'
           WHEN 'discount'        THEN basis = 'discount_percent'
           WHEN 'wage_cap'        THEN basis = 'wage_cap'
           WHEN 'declared_income' THEN basis IN ('income_min', 'income_max')
         END),
  CHECK ((component IN ('contribution', 'recomposition')) = (payer IS NOT NULL)),
  CHECK ((component = 'recomposition') = (funded_from IS NOT NULL)),
  CHECK ((component = 'declared_income') = (program IS NULL))
);
CREATE INDEX contribution_rate_lookup_idx ON contribution_rate (segment, program, effective_from);

INSERT INTO contribution_rate
  (id, segment, program, component, payer, basis, value, funded_from, condition, effective_from, effective_to, regulation, confirmed, note) VALUES
-- BPU, on the declared monthly income. From Permenaker 5/2021 (in force 1 Apr 2021), which
-- implements PP 82/2019 and replaced the older BPU rules (Permenaker 1/2016).
  (101, 'BPU', 'JKK', 'contribution', 'participant', 'percent_of_income', 10000, NULL, '{}', '2021-04-01', NULL,
   'PP 44/2015 Lampiran II as amended by PP 82/2019; Permenaker 5/2021', true, 'JKK 1% of declared income: Rp10,000 at Rp1,000,000 to Rp207,000 at Rp20,700,000'),
  (102, 'BPU', 'JKM', 'contribution', 'participant', 'flat', 6800, NULL, '{}', '2021-04-01', NULL,
   'PP 44/2015 Lampiran II as amended by PP 82/2019; Permenaker 5/2021', true, 'JKM Rp6,800 a month whatever the income'),
  (103, 'BPU', 'JHT', 'contribution', 'participant', 'percent_of_income', 20000, NULL, '{}', '2021-04-01', NULL,
   'PP 46/2015; Permenaker 5/2021', true, 'JHT 2% of declared income'),
  (104, 'BPU', NULL, 'declared_income', NULL, 'income_min', 1000000, NULL, '{}', '2021-04-01', NULL,
   'PP 44/2015 Lampiran II as amended by PP 82/2019; Permenaker 5/2021', true, 'Lowest declared monthly income'),
  (105, 'BPU', NULL, 'declared_income', NULL, 'income_max', 20700000, NULL, '{}', '2021-04-01', NULL,
   'PP 44/2015 Lampiran II as amended by PP 82/2019; Permenaker 5/2021', true, 'Highest declared monthly income'),

-- PP 50/2025 (in force 22 Dec 2025): JKK and JKM 50% off for BPU, benefits unchanged; JHT is not
-- discounted. Transport workers January 2026 to March 2027, other BPU April to December 2026.
-- BPU whose contributions are paid from APBN/APBD are excluded.
  (201, 'BPU', 'JKK', 'discount', NULL, 'discount_percent', 500000, NULL,
   '{"occupationGroups": ["transport"], "excludeFunding": ["apbn", "apbd"]}', '2026-01-01', '2027-03-31',
   'PP 50/2025', true, 'Transport BPU (ojek, drivers, couriers)'),
  (202, 'BPU', 'JKM', 'discount', NULL, 'discount_percent', 500000, NULL,
   '{"occupationGroups": ["transport"], "excludeFunding": ["apbn", "apbd"]}', '2026-01-01', '2027-03-31',
   'PP 50/2025', true, 'Transport BPU (ojek, drivers, couriers)'),
  (203, 'BPU', 'JKK', 'discount', NULL, 'discount_percent', 500000, NULL,
   '{"excludeOccupationGroups": ["transport"], "excludeFunding": ["apbn", "apbd"]}', '2026-04-01', '2026-12-31',
   'PP 50/2025', true, 'Every other BPU'),
  (204, 'BPU', 'JKM', 'discount', NULL, 'discount_percent', 500000, NULL,
   '{"excludeOccupationGroups": ["transport"], "excludeFunding": ["apbn", "apbd"]}', '2026-04-01', '2026-12-31',
   'PP 50/2025', true, 'Every other BPU'),

-- PU (wage earners), on the monthly wage. BPJS Ketenagakerjaan programs run from 1 Jul 2015.
  (301, 'PU', 'JKK', 'contribution', 'employer', 'percent_of_income', 2400, NULL, '{"riskClass": 1}', '2015-07-01', NULL,
   'PP 44/2015 Pasal 16 ayat (1)', true, 'Risk class 1 (very low)'),
  (302, 'PU', 'JKK', 'contribution', 'employer', 'percent_of_income', 5400, NULL, '{"riskClass": 2}', '2015-07-01', NULL,
   'PP 44/2015 Pasal 16 ayat (1)', true, 'Risk class 2 (low)'),
  (303, 'PU', 'JKK', 'contribution', 'employer', 'percent_of_income', 8900, NULL, '{"riskClass": 3}', '2015-07-01', NULL,
   'PP 44/2015 Pasal 16 ayat (1)', true, 'Risk class 3 (medium)'),
  (304, 'PU', 'JKK', 'contribution', 'employer', 'percent_of_income', 12700, NULL, '{"riskClass": 4}', '2015-07-01', NULL,
   'PP 44/2015 Pasal 16 ayat (1)', true, 'Risk class 4 (high)'),
  (305, 'PU', 'JKK', 'contribution', 'employer', 'percent_of_income', 17400, NULL, '{"riskClass": 5}', '2015-07-01', NULL,
   'PP 44/2015 Pasal 16 ayat (1)', true, 'Risk class 5 (very high)'),
  (306, 'PU', 'JKM', 'contribution', 'employer', 'percent_of_income', 3000, NULL, '{}', '2015-07-01', NULL,
   'PP 44/2015 Pasal 18 ayat (1)', true, NULL),
  (307, 'PU', 'JHT', 'contribution', 'employer', 'percent_of_income', 37000, NULL, '{}', '2015-07-01', NULL,
   'PP 46/2015 Pasal 16 ayat (1)', true, NULL),
  (308, 'PU', 'JHT', 'contribution', 'worker', 'percent_of_income', 20000, NULL, '{}', '2015-07-01', NULL,
   'PP 46/2015 Pasal 16 ayat (1)', true, NULL),
  (309, 'PU', 'JP', 'contribution', 'employer', 'percent_of_income', 20000, NULL, '{}', '2015-07-01', NULL,
   'PP 45/2015 Pasal 28 ayat (3)', true, 'On the wage up to the JP wage cap'),
  (310, 'PU', 'JP', 'contribution', 'worker', 'percent_of_income', 10000, NULL, '{}', '2015-07-01', NULL,
   'PP 45/2015 Pasal 28 ayat (3)', true, 'On the wage up to the JP wage cap'),

-- JP wage cap (PP 45/2015 Pasal 29: Rp7,000,000, adjusted every year by GDP growth; BPJS letters
-- set each year's cap from the March contribution). 2016 to 2021 are not given in
-- docs/domain and are unconfirmed; the 2022 start in March is inferred from the pattern.
  (401, 'PU', 'JP', 'wage_cap', NULL, 'wage_cap', 7000000, NULL, '{}', '2015-07-01', '2016-02-29',
   'PP 45/2015 Pasal 29 ayat (2)', true, NULL),
  (402, 'PU', 'JP', 'wage_cap', NULL, 'wage_cap', 7335300, NULL, '{}', '2016-03-01', '2017-02-28',
   'PP 45/2015 Pasal 29 (annual adjustment)', false, 'UNCONFIRMED: 2016 cap not in docs/domain'),
  (403, 'PU', 'JP', 'wage_cap', NULL, 'wage_cap', 7703500, NULL, '{}', '2017-03-01', '2018-02-28',
   'PP 45/2015 Pasal 29 (annual adjustment)', false, 'UNCONFIRMED: 2017 cap not in docs/domain'),
  (404, 'PU', 'JP', 'wage_cap', NULL, 'wage_cap', 8094000, NULL, '{}', '2018-03-01', '2019-02-28',
   'PP 45/2015 Pasal 29 (annual adjustment)', false, 'UNCONFIRMED: 2018 cap not in docs/domain'),
  (405, 'PU', 'JP', 'wage_cap', NULL, 'wage_cap', 8512400, NULL, '{}', '2019-03-01', '2020-02-29',
   'PP 45/2015 Pasal 29 (annual adjustment)', false, 'UNCONFIRMED: 2019 cap not in docs/domain'),
  (406, 'PU', 'JP', 'wage_cap', NULL, 'wage_cap', 8754600, NULL, '{}', '2020-03-01', '2021-02-28',
   'PP 45/2015 Pasal 29 (annual adjustment)', false, 'UNCONFIRMED: 2020 cap not in docs/domain'),
  (407, 'PU', 'JP', 'wage_cap', NULL, 'wage_cap', 8939700, NULL, '{}', '2021-03-01', '2022-02-28',
   'PP 45/2015 Pasal 29 (annual adjustment)', false, 'UNCONFIRMED: 2021 cap not in docs/domain'),
  (408, 'PU', 'JP', 'wage_cap', NULL, 'wage_cap', 9077600, NULL, '{}', '2022-03-01', '2023-02-28',
   'PP 45/2015 Pasal 29; BPJS letter B/77/022023 (2022 cap)', true, 'Start in March 2022 inferred from the annual pattern'),
  (409, 'PU', 'JP', 'wage_cap', NULL, 'wage_cap', 9559600, NULL, '{}', '2023-03-01', '2024-02-29',
   'PP 45/2015 Pasal 29; BPJS letter B/77/022023', true, NULL),
  (410, 'PU', 'JP', 'wage_cap', NULL, 'wage_cap', 10042300, NULL, '{}', '2024-03-01', '2025-02-28',
   'PP 45/2015 Pasal 29; BPJS letter B/1387/022024', true, NULL),
  (411, 'PU', 'JP', 'wage_cap', NULL, 'wage_cap', 10547400, NULL, '{}', '2025-03-01', '2026-02-28',
   'PP 45/2015 Pasal 29; BPJS letter B/726/022025', true, NULL),
  (412, 'PU', 'JP', 'wage_cap', NULL, 'wage_cap', 11086300, NULL, '{}', '2026-03-01', NULL,
   'PP 45/2015 Pasal 29; BPJS letter B/1226/022026', false, 'UNCONFIRMED: 2026 cap'),

-- JKP. PP 37/2021: 0.46% = 0.22% paid by the central government + 0.14% recomposed from JKK +
-- 0.10% recomposed from JKM (no new charge for the employer). PP 6/2025 (in force 7 Feb 2025):
-- 0.36% = 0.22% government + 0.14% from JKK. The in-force date of PP 37/2021 (2 Feb 2021) and the
-- Rp5,000,000 contribution wage cap are not given in docs/domain: unconfirmed.
  (501, 'PU', 'JKP', 'contribution', 'government', 'percent_of_income', 2200, NULL, '{}', '2021-02-02', '2025-02-06',
   'PP 37/2021 Pasal 11', false, 'UNCONFIRMED: start date 2 Feb 2021'),
  (502, 'PU', 'JKP', 'recomposition', 'employer', 'percent_of_income', 1400, 'JKK', '{}', '2021-02-02', '2025-02-06',
   'PP 37/2021 Pasal 11', false, 'UNCONFIRMED: start date 2 Feb 2021. Carved out of the employer''s JKK'),
  (503, 'PU', 'JKP', 'recomposition', 'employer', 'percent_of_income', 1000, 'JKM', '{}', '2021-02-02', '2025-02-06',
   'PP 37/2021 Pasal 11', false, 'UNCONFIRMED: start date 2 Feb 2021. Carved out of the employer''s JKM'),
  (504, 'PU', 'JKP', 'contribution', 'government', 'percent_of_income', 2200, NULL, '{}', '2025-02-07', NULL,
   'PP 6/2025', true, NULL),
  (505, 'PU', 'JKP', 'recomposition', 'employer', 'percent_of_income', 1400, 'JKK', '{}', '2025-02-07', NULL,
   'PP 6/2025', true, 'Carved out of the employer''s JKK'),
  (506, 'PU', 'JKP', 'wage_cap', NULL, 'wage_cap', 5000000, NULL, '{}', '2021-02-02', NULL,
   'PP 37/2021', false, 'UNCONFIRMED: JKP contribution wage cap'),

-- PP 7/2025 (with PP 36/2025): JKK 50% off for companies in six labour-intensive industries with
-- at least 50 active workers, contributions February 2025 to January 2026.
  (601, 'PU', 'JKK', 'discount', NULL, 'discount_percent', 500000, NULL,
   '{"industries": ["food_beverage_tobacco", "textile_apparel", "leather_goods", "footwear", "toys", "furniture"], "minWorkers": 50}',
   '2025-02-01', '2026-01-31',
   'PP 7/2025 Pasal 3, Pasal 4 ayat (1); PP 36/2025 Pasal 10A', true,
   'Industries (Pasal 3 ayat (4)): food, beverages and tobacco; textiles and apparel; leather and leather goods; footwear; children''s toys; furniture');
