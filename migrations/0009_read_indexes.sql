-- Indexes shaped for each participant read, and none that nothing reads (issue 12, items 4 and 6).
--
-- Requests run as prepared statements, and PostgreSQL may keep one generic plan per statement and
-- connection. `name_folded LIKE jamsos_fold($1) || '%'` cannot use an index in such a plan (the
-- pattern is not known when it is planned; nor is LIKE leakproof, so row-level security keeps it
-- out of an index scan anyway), and `ORDER BY id LIMIT` with a rare prefix then walked the whole
-- primary key. A name search now asks for a range whose bounds are computed when it runs,
--   name_folded COLLATE "C" >= jamsos_fold($1) AND name_folded COLLATE "C" < jamsos_prefix_end(jamsos_fold($1)),
-- which is an index condition in any plan (the comparisons are leakproof), and pages in the index's
-- own order, (name_folded, id). The "C" collation makes "starts with" a contiguous range whatever
-- the database's collation (src/registry/queries.ts searchParticipants).

-- The smallest text above every text that starts with p, in the "C" collation (code point order,
-- which UTF-8 byte order follows): p with its last character moved one up (past the surrogates,
-- which text cannot hold; a last character that is already the highest is dropped and the one
-- before it moved up instead). NULL when there is none (p empty or all U+10FFFF): no bound, and
-- the search then finds nothing rather than everything.
CREATE FUNCTION jamsos_prefix_end(p text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
  c integer;
BEGIN
  WHILE p <> '' LOOP
    c := ascii(right(p, 1));
    p := left(p, -1);
    IF c < 1114111 THEN
      RETURN p || chr(CASE WHEN c = 55295 THEN 57344 ELSE c + 1 END);
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;

-- Name prefix: everyone who sees the whole registry (admin, management, Jamsos itself), and the
-- tie-breaker id makes the keyset (name_folded, id) unique.
CREATE INDEX participant_name_c_idx ON participant (name_folded COLLATE "C", id);
-- A branch officer's name search runs branch by branch (a LATERAL per branch code), each read in
-- name order straight from here.
CREATE INDEX participant_branch_name_idx ON participant (branch_code, name_folded COLLATE "C", id);
-- Village search pages in id order off the index; also the agent-territory arm of the policy.
CREATE INDEX participant_village_id_idx ON participant (village_code, id);

-- Read by nothing (checked with EXPLAIN on every statement of the registry, contributions,
-- coverage and regions queries, as generic and custom plans):
--   - KPJ and NIK lookups go by id (the KPJ is the id plus a check digit; a NIK through nik_index),
--     never by participant.kpj or participant.nik_hash;
--   - history reads a participant's changes by its primary key (participant_id, id), never by
--     time across participants;
--   - the text_pattern_ops name indexes: participant's is replaced by participant_name_c_idx; the
--     region searches match names anywhere in them (LIKE '%…%'), which no B-tree serves (their
--     code prefix searches keep the *_code_pattern_idx indexes, which they do use);
--   - participant_village_idx is the leading column of participant_village_id_idx.
DROP INDEX participant_kpj_idx;
DROP INDEX participant_nik_hash_idx;
DROP INDEX participant_name_idx;
DROP INDEX participant_village_idx;
DROP INDEX participant_change_at_idx;
DROP INDEX province_name_folded_idx;
DROP INDEX regency_name_folded_idx;
DROP INDEX district_name_folded_idx;
DROP INDEX village_name_folded_idx;
