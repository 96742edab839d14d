-- Platform foundations shared by every module.
--
-- Distribution (Citus, the scale-out path): large tables are distributed by the column named in
-- their "-- distribution key" comment, which every primary and unique key of the table includes;
-- small lookup tables are reference tables. docs/ARCHITECTURE.md lists them.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE; an IMMUTABLE wrapper lets name search use an index.
CREATE OR REPLACE FUNCTION jamsos_fold(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN lower(public.unaccent('public.unaccent'::regdictionary, t));
