-- Bills, payments and coverage. All three are append-only facts: a bill never changes once issued
-- (paid = a payment references it), a payment is never edited, and coverage is the set of paid
-- months with the instant each was paid, so coverage on any past date can be answered exactly.

CREATE TABLE bill (
  participant_id bigint NOT NULL,                               -- distribution key
  id             bigint GENERATED ALWAYS AS IDENTITY,
  seq            integer NOT NULL CHECK (seq BETWEEN 1 AND 9999),
  -- 15 digits: participant id (10) ‖ bill seq (4) ‖ Luhn digit. Carries the participant so a
  -- payment notification routes to its shard without a lookup.
  payment_code   text NOT NULL CHECK (payment_code ~ '^[0-9]{15}$'),
  periods        text[] NOT NULL,            -- 'YYYY-MM', consecutive
  amount         bigint NOT NULL CHECK (amount > 0),
  -- Per period and program: [{"period","program","rateId","amount","regulation"}]
  lines          jsonb NOT NULL,
  issued_at      timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  issued_by      bigint,
  PRIMARY KEY (participant_id, id),
  UNIQUE (participant_id, seq),
  UNIQUE (participant_id, payment_code)
);

CREATE TABLE payment (
  participant_id bigint NOT NULL,                               -- distribution key
  id             bigint GENERATED ALWAYS AS IDENTITY,
  bill_id        bigint NOT NULL,
  amount         bigint NOT NULL CHECK (amount > 0),
  reference      text NOT NULL,
  channel        text NOT NULL,
  paid_at        timestamptz NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (participant_id, id),
  UNIQUE (participant_id, bill_id),
  FOREIGN KEY (participant_id, bill_id) REFERENCES bill (participant_id, id)
);

-- A payment reference is unique per channel across the registry: the same notification twice
-- changes nothing. Distributed by the reference itself.
CREATE TABLE payment_reference (
  reference      text NOT NULL,                                 -- distribution key
  channel        text NOT NULL,
  participant_id bigint NOT NULL,
  payment_id     bigint NOT NULL,
  PRIMARY KEY (reference, channel)
);

-- Paid months. A member is protected in a month they paid for, from the moment it was paid.
CREATE TABLE coverage_month (
  participant_id bigint NOT NULL,                               -- distribution key
  period         date NOT NULL CHECK (extract(day FROM period) = 1),
  payment_id     bigint NOT NULL,
  paid_at        timestamptz NOT NULL,
  amount         bigint NOT NULL,
  PRIMARY KEY (participant_id, period)
);
