-- Background work and the outbox (issue 13, item 2).
--
-- 1. The job queue: pg-boss 10.4 (schema version 24) in the schema `pgboss`. The statements below
--    are pg-boss's own construction plan (`PgBoss.getConstructionPlans('pgboss')`) without its
--    BEGIN/advisory lock/COMMIT wrapper (this migration already runs in one transaction under the
--    migration lock), so the queue's tables exist wherever the migrations ran: the server, every
--    CLI command and the test template alike, and a job can be enqueued before any worker ever
--    started. The server starts pg-boss with migrate: false; pg-boss then refuses to run against
--    any other schema version, and src/jobs/jobs.test.ts fails when an upgraded pg-boss expects
--    one: an upgrade is a new migration holding `PgBoss.getMigrationPlans('pgboss', 24)`.
--    Queues (one per job type, each with its dead-letter queue) are created by the code that
--    defines them (src/jobs/jobs.ts ensureQueues, run with the reference data at start).
--
-- 2. The transactional outbox: events for the outside world, written in the transaction of the
--    change they report, delivered at least once by the `outbox.deliver` job (src/outbox/).

-- pg-boss 10.4 construction plan, schema version 24 ------------------------------------------
CREATE SCHEMA IF NOT EXISTS pgboss
  ;

    CREATE TYPE pgboss.job_state AS ENUM (
      'created',
      'retry',
      'active',
      'completed',
      'cancelled',
      'failed'
    )
  ;

    CREATE TABLE pgboss.version (
      version int primary key,
      maintained_on timestamp with time zone,
      cron_on timestamp with time zone,
      monitored_on timestamp with time zone
    )
  ;

    CREATE TABLE pgboss.queue (
      name text,
      policy text,
      retry_limit int,
      retry_delay int,
      retry_backoff bool,
      expire_seconds int,
      retention_minutes int,
      dead_letter text REFERENCES pgboss.queue (name),
      partition_name text,
      created_on timestamp with time zone not null default now(),
      updated_on timestamp with time zone not null default now(),
      PRIMARY KEY (name)
    )
  ;

    CREATE TABLE pgboss.schedule (
      name text REFERENCES pgboss.queue ON DELETE CASCADE,
      cron text not null,
      timezone text,
      data jsonb,
      options jsonb,
      created_on timestamp with time zone not null default now(),
      updated_on timestamp with time zone not null default now(),
      PRIMARY KEY (name)
    )
  ;

    CREATE TABLE pgboss.subscription (
      event text not null,
      name text not null REFERENCES pgboss.queue ON DELETE CASCADE,
      created_on timestamp with time zone not null default now(),
      updated_on timestamp with time zone not null default now(),
      PRIMARY KEY(event, name)
    )
  ;

    CREATE TABLE pgboss.job (
      id uuid not null default gen_random_uuid(),
      name text not null,
      priority integer not null default(0),
      data jsonb,
      state pgboss.job_state not null default('created'),
      retry_limit integer not null default(2),
      retry_count integer not null default(0),
      retry_delay integer not null default(0),
      retry_backoff boolean not null default false,
      start_after timestamp with time zone not null default now(),
      started_on timestamp with time zone,
      singleton_key text,
      singleton_on timestamp without time zone,
      expire_in interval not null default interval '15 minutes',
      created_on timestamp with time zone not null default now(),
      completed_on timestamp with time zone,
      keep_until timestamp with time zone NOT NULL default now() + interval '14 days',
      output jsonb,
      dead_letter text,
      policy text
    ) PARTITION BY LIST (name)
  ;
ALTER TABLE pgboss.job ADD PRIMARY KEY (name, id);
CREATE TABLE pgboss.archive (LIKE pgboss.job);
ALTER TABLE pgboss.archive ADD PRIMARY KEY (name, id);
ALTER TABLE pgboss.archive ADD archived_on timestamptz NOT NULL DEFAULT now();
CREATE INDEX archive_i1 ON pgboss.archive(archived_on);

    CREATE FUNCTION pgboss.create_queue(queue_name text, options json)
    RETURNS VOID AS
    $$
    DECLARE
      table_name varchar := 'j' || encode(sha224(queue_name::bytea), 'hex');
      queue_created_on timestamptz;
    BEGIN

      WITH q as (
      INSERT INTO pgboss.queue (
        name,
        policy,
        retry_limit,
        retry_delay,
        retry_backoff,
        expire_seconds,
        retention_minutes,
        dead_letter,
        partition_name
      )
      VALUES (
        queue_name,
        options->>'policy',
        (options->>'retryLimit')::int,
        (options->>'retryDelay')::int,
        (options->>'retryBackoff')::bool,
        (options->>'expireInSeconds')::int,
        (options->>'retentionMinutes')::int,
        options->>'deadLetter',
        table_name
      )
      ON CONFLICT DO NOTHING
      RETURNING created_on
      )
      SELECT created_on into queue_created_on from q;

      IF queue_created_on IS NULL THEN
        RETURN;
      END IF;

      EXECUTE format('CREATE TABLE pgboss.%I (LIKE pgboss.job INCLUDING DEFAULTS)', table_name);

      EXECUTE format('ALTER TABLE pgboss.%1$I ADD PRIMARY KEY (name, id)', table_name);
      EXECUTE format('ALTER TABLE pgboss.%1$I ADD CONSTRAINT q_fkey FOREIGN KEY (name) REFERENCES pgboss.queue (name) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED', table_name);
      EXECUTE format('ALTER TABLE pgboss.%1$I ADD CONSTRAINT dlq_fkey FOREIGN KEY (dead_letter) REFERENCES pgboss.queue (name) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED', table_name);
      EXECUTE format('CREATE UNIQUE INDEX %1$s_i1 ON pgboss.%1$I (name, COALESCE(singleton_key, '''')) WHERE state = ''created'' AND policy = ''short''', table_name);
      EXECUTE format('CREATE UNIQUE INDEX %1$s_i2 ON pgboss.%1$I (name, COALESCE(singleton_key, '''')) WHERE state = ''active'' AND policy = ''singleton''', table_name);
      EXECUTE format('CREATE UNIQUE INDEX %1$s_i3 ON pgboss.%1$I (name, state, COALESCE(singleton_key, '''')) WHERE state <= ''active'' AND policy = ''stately''', table_name);
      EXECUTE format('CREATE UNIQUE INDEX %1$s_i4 ON pgboss.%1$I (name, singleton_on, COALESCE(singleton_key, '''')) WHERE state <> ''cancelled'' AND singleton_on IS NOT NULL', table_name);
      EXECUTE format('CREATE INDEX %1$s_i5 ON pgboss.%1$I (name, start_after) INCLUDE (priority, created_on, id) WHERE state < ''active''', table_name);

      EXECUTE format('ALTER TABLE pgboss.%I ADD CONSTRAINT cjc CHECK (name=%L)', table_name, queue_name);
      EXECUTE format('ALTER TABLE pgboss.job ATTACH PARTITION pgboss.%I FOR VALUES IN (%L)', table_name, queue_name);
    END;
    $$
    LANGUAGE plpgsql;
  ;

    CREATE FUNCTION pgboss.delete_queue(queue_name text)
    RETURNS VOID AS
    $$
    DECLARE
      table_name varchar;
    BEGIN
      WITH deleted as (
        DELETE FROM pgboss.queue
        WHERE name = queue_name
        RETURNING partition_name
      )
      SELECT partition_name from deleted INTO table_name;

      EXECUTE format('DROP TABLE IF EXISTS pgboss.%I', table_name);
    END;
    $$
    LANGUAGE plpgsql;
  ;
INSERT INTO pgboss.version(version) VALUES ('24');
    

-- Requests enqueue jobs inside their own transaction (enqueue() in src/jobs/jobs.ts runs
-- pg-boss's INSERT … SELECT … FROM pgboss.queue … RETURNING id on the caller's connection), so the
-- application role may add a job and read the queues' settings, and nothing else: no job's data,
-- state or output, no archive, no schedule. Everything else is the owner's (the runner's own pool).
REVOKE ALL ON ALL TABLES IN SCHEMA pgboss FROM jamsos_app;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA pgboss FROM PUBLIC;
GRANT USAGE ON SCHEMA pgboss TO jamsos_app;
GRANT SELECT ON pgboss.queue TO jamsos_app;
GRANT INSERT ON pgboss.job TO jamsos_app;
GRANT SELECT (id) ON pgboss.job TO jamsos_app;

-- The outbox ---------------------------------------------------------------------------------

-- One event for the outside world, immutable once written. `id` is the event's stable identity:
-- a receiver that sees it twice (delivery is at least once) knows it is the same event.
-- Citus: distributed by shard_key, which the primary key includes. For an event about a
-- participant it is the participant's id, so the event lands on the shard of the rows its change
-- wrote (colocated with participant, bill, payment …) and the change stays a single-shard
-- transaction; otherwise the aggregate's own id.
CREATE TABLE outbox_event (
  shard_key      bigint NOT NULL,
  id             uuid NOT NULL,
  -- e.g. payment.applied, participant.registered
  event_type     text NOT NULL CHECK (event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$' AND length(event_type) <= 100),
  -- What the event is about, by reference: e.g. ('payment', '123').
  aggregate_type text NOT NULL CHECK (aggregate_type ~ '^[a-z][a-z0-9_]*$' AND length(aggregate_type) <= 60),
  aggregate_id   text NOT NULL CHECK (length(aggregate_id) BETWEEN 1 AND 100),
  payload        jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shard_key, id)
);
CREATE INDEX outbox_event_created_idx ON outbox_event (created_at);

-- Every delivery attempt of an event to a sink, appended, never overwritten: 'delivered', or
-- 'failed' (to be tried again), or 'dead' (the last try failed; the job went to the dead letters).
-- The latest row per (event, sink) is its state; the rows before it are its history.
CREATE TABLE outbox_attempt (
  shard_key    bigint NOT NULL,
  event_id     uuid NOT NULL,
  sink         text NOT NULL CHECK (length(sink) BETWEEN 1 AND 60),
  attempt      integer NOT NULL CHECK (attempt >= 1),
  outcome      text NOT NULL CHECK (outcome IN ('delivered', 'failed', 'dead')),
  error        text CHECK (length(error) <= 2000),
  -- The pg-boss job that made the attempt.
  job_id       uuid,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shard_key, event_id, sink, attempt),
  FOREIGN KEY (shard_key, event_id) REFERENCES outbox_event (shard_key, id)
);

-- Requests append events (in their own transaction) and do nothing else with the outbox: they
-- neither read events (payloads are for their receivers) nor touch delivery, which is the runner's.
-- Explicit, whatever the default privileges of the schema say.
REVOKE ALL ON outbox_event, outbox_attempt FROM jamsos_app;
GRANT INSERT ON outbox_event TO jamsos_app;
