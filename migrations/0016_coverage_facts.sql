-- Coverage as stored facts, and a dated history of each member's attributes (issue 13 §3).
--
-- Until now a member's coverage existed only inside a TypeScript replay (src/coverage/status.ts):
-- coverage_month kept the months a bill listed, the replay moved them when a payment came after a
-- lapse (credit), and a member's branch on a past date could only be found by undoing JSON
-- changes. So "active members of KC Blitar on 2025-03-31" meant replaying every member. Now the
-- posting path (src/contributions/billing.ts postPayments → src/coverage recordPayments), which
-- holds the member's row lock, stores the outcome of each payment, append-only:
--
--   coverage_month    the months as CREDITED (a payment after a lapse restarts from the month it
--                     is received in, so a billed January may be credited as April); billed_period
--                     keeps the month the bill priced. One row per month, never changed.
--   coverage_outcome  one row per payment, numbered per member in the order Jamsos received them
--                     (seq), with when it became known (known_at) and the grace it was computed with.
--   coverage_period   the member's status from the day the payment became known onwards, as far as
--                     that payment's facts say, assuming nothing more is paid: active from..to,
--                     grace from..to, lapsed from..∞ (valid_to NULL). The next payment's rows
--                     supersede these from its own day on; the old rows stay.
--
-- "The status of member X on date D as known at T" is the period containing D of the latest
-- outcome known by min(T, the end of D in Jakarta): a projection says nothing about the days
-- before its payment, and coverage counts a payment from the day it is received (issue 12 §7), so
-- knowledge after D never changes D. src/coverage/queries.ts memberCounts is that range query.
--
--   participant_attribute  a member's branch, village, ecosystem, channel and programs, one row
--                     from registration and one per change of any of them (valid_from = when it
--                     took effect, recorded_at = when Jamsos recorded it); a row holds until the
--                     member's next row. Written by registration (single and bulk) and
--                     updateParticipant, in the same transaction as the change.
--
-- Citus: every table is keyed by participant_id first (distribution key, colocated with
-- participant).

-- 1. Paid months as credited ---------------------------------------------------------------------

ALTER TABLE coverage_month ADD COLUMN billed_period date CHECK (extract(day FROM billed_period) = 1);

CREATE TABLE coverage_outcome (
  participant_id bigint NOT NULL,                               -- distribution key
  seq            integer NOT NULL CHECK (seq > 0),
  payment_id     bigint NOT NULL,
  known_at       timestamptz NOT NULL,
  -- The policy's graceMonths (JAMSOS_GRACE_MONTHS) the periods were computed with.
  grace_months   integer NOT NULL CHECK (grace_months >= 0),
  -- The latest month credited after this payment.
  paid_through   date NOT NULL,
  PRIMARY KEY (participant_id, seq),
  UNIQUE (participant_id, payment_id)
);
-- "The latest outcome known by K": known_at never goes back within a member (postPayments refuses
-- a receivedAt before the member's last one), so the last entry ≤ K in this order.
CREATE INDEX coverage_outcome_known_idx ON coverage_outcome (participant_id, known_at, seq);

CREATE TABLE coverage_period (
  participant_id bigint NOT NULL,                               -- distribution key
  seq            integer NOT NULL,
  valid_from     date NOT NULL,
  valid_to       date,                                          -- exclusive; NULL: no end
  status         text NOT NULL CHECK (status IN ('active', 'grace', 'lapsed')),
  known_at       timestamptz NOT NULL,                          -- the outcome's, for the range query
  valid          daterange GENERATED ALWAYS AS (daterange(valid_from, valid_to)) STORED,
  PRIMARY KEY (participant_id, seq, valid_from),
  FOREIGN KEY (participant_id, seq) REFERENCES coverage_outcome (participant_id, seq),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
-- Which periods contain a date, with what the counting query reads beside (index-only).
CREATE INDEX coverage_period_valid_idx ON coverage_period USING gist (valid) INCLUDE (status, participant_id, seq);

-- 2. Member attributes over time -----------------------------------------------------------------

CREATE TABLE participant_attribute (
  participant_id bigint NOT NULL,                               -- distribution key
  seq            integer NOT NULL CHECK (seq > 0),
  valid_from     timestamptz NOT NULL,
  recorded_at    timestamptz NOT NULL,
  branch_code    text NOT NULL,
  village_code   text NOT NULL,
  ecosystem      text NOT NULL,
  channel        text NOT NULL,
  programs       text[] NOT NULL,
  PRIMARY KEY (participant_id, seq)
);
CREATE INDEX participant_attribute_branch_idx ON participant_attribute (branch_code, valid_from) INCLUDE (participant_id, seq);
CREATE INDEX participant_attribute_village_idx ON participant_attribute (village_code, valid_from) INCLUDE (participant_id, seq);
CREATE INDEX participant_attribute_from_idx ON participant_attribute (participant_id, valid_from, seq);

-- Backfill from the card and its changes: the registration's values are today's with every later
-- 'address' and 'programs' change undone (the first change's `before`), then one row per change.
-- Ecosystem and channel have never been changeable, so today's are the registration's.
CREATE TEMP TABLE a0016_change ON COMMIT DROP AS
  SELECT c.participant_id, c.changed_at, c.kind, c.before, c.after,
         row_number() OVER (PARTITION BY c.participant_id ORDER BY c.changed_at, c.id)::integer AS n
  FROM participant_change c WHERE c.kind IN ('address', 'programs');
CREATE INDEX ON a0016_change (participant_id, kind, n);

CREATE TEMP TABLE a0016_registered ON COMMIT DROP AS
  SELECT p.id AS participant_id, p.registered_at, p.ecosystem, p.channel,
         coalesce(a.before->>'villageCode', p.village_code) AS village_code,
         coalesce(a.before->>'branchCode',
                  (SELECT br.branch_code FROM branch_regency br WHERE br.regency_code = left(a.before->>'villageCode', 5)),
                  p.branch_code) AS branch_code,
         CASE WHEN g.before ? 'programs' THEN ARRAY(SELECT jsonb_array_elements_text(g.before->'programs')) ELSE p.programs END AS programs
  FROM participant p
  LEFT JOIN LATERAL (SELECT before FROM a0016_change c WHERE c.participant_id = p.id AND c.kind = 'address' ORDER BY n LIMIT 1) a ON true
  LEFT JOIN LATERAL (SELECT before FROM a0016_change c WHERE c.participant_id = p.id AND c.kind = 'programs' ORDER BY n LIMIT 1) g ON true;

INSERT INTO participant_attribute (participant_id, seq, valid_from, recorded_at, branch_code, village_code, ecosystem, channel, programs)
SELECT participant_id, 1, registered_at, registered_at, branch_code, village_code, ecosystem, channel, programs
FROM a0016_registered;

INSERT INTO participant_attribute (participant_id, seq, valid_from, recorded_at, branch_code, village_code, ecosystem, channel, programs)
SELECT c.participant_id, c.n + 1, c.changed_at, c.changed_at,
       coalesce(a.after->>'branchCode',
                (SELECT br.branch_code FROM branch_regency br WHERE br.regency_code = left(a.after->>'villageCode', 5)),
                r.branch_code),
       coalesce(a.after->>'villageCode', r.village_code),
       r.ecosystem, r.channel,
       CASE WHEN g.after ? 'programs' THEN ARRAY(SELECT jsonb_array_elements_text(g.after->'programs')) ELSE r.programs END
FROM a0016_change c
JOIN a0016_registered r ON r.participant_id = c.participant_id
LEFT JOIN LATERAL (SELECT after FROM a0016_change x WHERE x.participant_id = c.participant_id AND x.kind = 'address' AND x.n <= c.n ORDER BY x.n DESC LIMIT 1) a ON true
LEFT JOIN LATERAL (SELECT after FROM a0016_change x WHERE x.participant_id = c.participant_id AND x.kind = 'programs' AND x.n <= c.n ORDER BY x.n DESC LIMIT 1) g ON true;

-- 3. Coverage facts of payments posted before this migration -------------------------------------
-- The replay of status.ts (stateIn, credit, projectStatus), once, over the months each payment
-- held, payments in the order received (known_at, then payment id). With graceMonths 3, the
-- default: a deployment running another JAMSOS_GRACE_MONTHS sees grace_months = 3 on these
-- outcomes. Temporary functions: the rule itself lives in status.ts; the property test
-- (src/coverage/stored.property.test.ts) runs this block against the posting path's own facts.
-- BEGIN coverage backfill
CREATE FUNCTION pg_temp.c0016_ym(d date) RETURNS integer LANGUAGE sql IMMUTABLE
  RETURN extract(year FROM d)::integer * 12 + extract(month FROM d)::integer - 1;
CREATE FUNCTION pg_temp.c0016_first(m integer) RETURNS date LANGUAGE sql IMMUTABLE
  RETURN make_date(m / 12, m % 12 + 1, 1);
CREATE FUNCTION pg_temp.c0016_state(months integer[], m integer, g integer) RETURNS text LANGUAGE sql IMMUTABLE
  RETURN CASE WHEN m = ANY (months) THEN 'active'
    ELSE (SELECT CASE WHEN max(x) IS NULL THEN 'unpaid' WHEN m - max(x) <= g THEN 'grace' ELSE 'lapsed' END
          FROM unnest(months) x WHERE x < m) END;

CREATE TEMP TABLE c0016_month (participant_id bigint, period date, billed_period date, payment_id bigint, paid_at timestamptz, known_at timestamptz, amount bigint) ON COMMIT DROP;

DO $$
DECLARE
  g constant integer := 3;
  pid bigint := NULL;
  months integer[];
  seqn integer;
  pay record;
  fresh integer[];
  kept integer[];
  late integer[];
  moved integer[];
  pm integer;
  day date;
  ym integer;
  endm integer;
  st text;
  cur_status text;
  cur_from date;
  start date;
BEGIN
  FOR pay IN
    SELECT participant_id, payment_id, known_at, min(paid_at) AS paid_at,
           array_agg(pg_temp.c0016_ym(period) ORDER BY period) AS periods,
           array_agg(amount ORDER BY period) AS amounts
    FROM coverage_month
    GROUP BY participant_id, known_at, payment_id
    ORDER BY participant_id, known_at, payment_id
  LOOP
    IF pid IS DISTINCT FROM pay.participant_id THEN
      pid := pay.participant_id;
      months := '{}';
      seqn := 0;
    END IF;
    seqn := seqn + 1;
    day := (pay.known_at AT TIME ZONE 'UTC' + interval '7 hours')::date;
    pm := pg_temp.c0016_ym(day);
    fresh := ARRAY(SELECT x FROM unnest(pay.periods) x WHERE NOT x = ANY (months) ORDER BY x);
    IF pg_temp.c0016_state(months, pm, g) IN ('active', 'grace') THEN
      kept := fresh;
      late := '{}';
    ELSE
      kept := ARRAY(SELECT x FROM unnest(fresh) x WHERE x >= pm ORDER BY x);
      late := ARRAY(SELECT x FROM unnest(fresh) x WHERE x < pm ORDER BY x);
    END IF;
    moved := '{}';
    ym := pm;
    WHILE cardinality(moved) < cardinality(late) LOOP
      IF NOT ym = ANY (months) AND NOT ym = ANY (kept) THEN moved := moved || ym; END IF;
      ym := ym + 1;
    END LOOP;
    INSERT INTO c0016_month
      SELECT pid, pg_temp.c0016_first(m.credited), pg_temp.c0016_first(m.billed), pay.payment_id, pay.paid_at, pay.known_at,
             pay.amounts[array_position(pay.periods, m.billed)]
      FROM (SELECT unnest(moved) AS credited, unnest(late) AS billed
            UNION ALL SELECT x, x FROM unnest(kept) x) m;
    months := months || moved || kept;

    INSERT INTO coverage_outcome (participant_id, seq, payment_id, known_at, grace_months, paid_through)
    VALUES (pid, seqn, pay.payment_id, pay.known_at, g, pg_temp.c0016_first((SELECT max(x) FROM unnest(months) x)));

    endm := greatest((SELECT max(x) FROM unnest(months) x) + g + 1, pm);
    cur_status := NULL;
    FOR ym IN pm .. endm LOOP
      start := CASE WHEN ym = pm THEN day ELSE pg_temp.c0016_first(ym) END;
      st := pg_temp.c0016_state(months, ym, g);
      IF st = 'unpaid' OR st IS DISTINCT FROM cur_status THEN
        IF cur_status IS NOT NULL THEN
          INSERT INTO coverage_period (participant_id, seq, valid_from, valid_to, status, known_at)
          VALUES (pid, seqn, cur_from, start, cur_status, pay.known_at);
        END IF;
        cur_status := CASE WHEN st = 'unpaid' THEN NULL ELSE st END;
        cur_from := start;
      END IF;
    END LOOP;
    INSERT INTO coverage_period (participant_id, seq, valid_from, valid_to, status, known_at)
    VALUES (pid, seqn, cur_from, NULL, cur_status, pay.known_at);
  END LOOP;
END
$$;

DELETE FROM coverage_month;
INSERT INTO coverage_month (participant_id, period, billed_period, payment_id, paid_at, known_at, amount)
SELECT participant_id, period, billed_period, payment_id, paid_at, known_at, amount FROM c0016_month;
-- END coverage backfill
ALTER TABLE coverage_month ALTER COLUMN billed_period SET NOT NULL;

-- 4. Rights and row-level security -----------------------------------------------------------------
-- Append-only facts of a participant: read and append, scoped through their participant like
-- coverage_month (migrations/0006).
GRANT SELECT, INSERT ON coverage_outcome, coverage_period, participant_attribute TO jamsos_app;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['coverage_outcome', 'coverage_period', 'participant_attribute'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY %I ON %I FOR SELECT
      USING (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = %I.participant_id))$p$, t || '_read', t, t);
    EXECUTE format($p$CREATE POLICY %I ON %I FOR INSERT
      WITH CHECK (jamsos_may_write() AND (jamsos_sees_all() OR EXISTS (SELECT 1 FROM participant p WHERE p.id = %I.participant_id)))$p$, t || '_insert', t, t);
  END LOOP;
END
$$;
