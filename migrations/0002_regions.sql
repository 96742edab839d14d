-- Official administrative regions of Indonesia and the branch offices (Kantor Cabang) that serve
-- them. The rows are reference data loaded at start-up by src/regions/loader.ts from the
-- idn-area-data package (Kemendagri codes, Kepmendagri 300.2.2-2138/2025) and
-- config/branches.json; this file only holds their shape.
--
-- Citus: every table here is small and read by every node, so each is a reference table
-- (create_reference_table), not a distributed one; foreign keys between reference tables are
-- allowed.
--
-- Codes are Kemendagri's dotted codes: province '35', regency '35.05', district '35.05.01',
-- village '35.05.01.2001'. A child's code begins with its parent's, so the parent column is
-- checked against the code's own prefix. name_folded (lower case, accents removed) serves case-
-- and accent-insensitive search; its text_pattern_ops index serves prefix search whatever the
-- database collation, and so does the one on code for code-prefix search.

CREATE TABLE province (
  code        text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
  name        text NOT NULL CHECK (name <> ''),
  name_folded text GENERATED ALWAYS AS (jamsos_fold(name)) STORED
);
CREATE INDEX province_name_folded_idx ON province (name_folded text_pattern_ops);

CREATE TABLE regency (
  code          text PRIMARY KEY CHECK (code ~ '^[0-9]{2}\.[0-9]{2}$'),
  province_code text NOT NULL REFERENCES province (code),
  name          text NOT NULL CHECK (name <> ''),
  name_folded   text GENERATED ALWAYS AS (jamsos_fold(name)) STORED,
  CHECK (province_code = left(code, 2))
);
CREATE INDEX regency_province_idx ON regency (province_code);
CREATE INDEX regency_name_folded_idx ON regency (name_folded text_pattern_ops);

CREATE TABLE district (
  code         text PRIMARY KEY CHECK (code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$'),
  regency_code text NOT NULL REFERENCES regency (code),
  name         text NOT NULL CHECK (name <> ''),
  name_folded  text GENERATED ALWAYS AS (jamsos_fold(name)) STORED,
  CHECK (regency_code = left(code, 5))
);
CREATE INDEX district_regency_idx ON district (regency_code);
CREATE INDEX district_name_folded_idx ON district (name_folded text_pattern_ops);
CREATE INDEX district_code_pattern_idx ON district (code text_pattern_ops);

CREATE TABLE village (
  code          text PRIMARY KEY CHECK (code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$'),
  district_code text NOT NULL REFERENCES district (code),
  name          text NOT NULL CHECK (name <> ''),
  name_folded   text GENERATED ALWAYS AS (jamsos_fold(name)) STORED,
  CHECK (district_code = left(code, 8))
);
CREATE INDEX village_district_idx ON village (district_code);
CREATE INDEX village_name_folded_idx ON village (name_folded text_pattern_ops);
CREATE INDEX village_code_pattern_idx ON village (code text_pattern_ops);

-- Which data set the four tables hold, so a second load of the same data does nothing and a new
-- package version replaces it.
CREATE TABLE region_data (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  source    text NOT NULL,
  checksum  text NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);

-- Branch offices. A branch is never deleted: participants keep the branch code they registered
-- under, so a branch that no longer serves any regency (after a merge) stays, inactive.
CREATE TABLE branch (
  code        text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9]{1,19}$'),
  name        text NOT NULL CHECK (name <> ''),
  name_folded text GENERATED ALWAYS AS (jamsos_fold(name)) STORED,
  active      boolean NOT NULL DEFAULT true
);

-- Every regency is served by exactly one branch.
CREATE TABLE branch_regency (
  regency_code text PRIMARY KEY REFERENCES regency (code),
  branch_code  text NOT NULL REFERENCES branch (code)
);
CREATE INDEX branch_regency_branch_idx ON branch_regency (branch_code);
