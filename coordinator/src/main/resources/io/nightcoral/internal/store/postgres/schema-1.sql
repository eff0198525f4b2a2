-- NightCoral on PostgreSQL, schema version 1 (nightcoral_schema.version = 1).
-- Upgrade notes: every later version gets its own schema-N.sql that upgrades from N-1; a new
-- database runs them all in order, in one transaction, under an advisory lock so that coordinators
-- starting together migrate once. Every table's name starts with nightcoral_, so NightCoral can
-- live in an application's own database.
CREATE TABLE nightcoral_schema (
  version INTEGER NOT NULL
);
INSERT INTO nightcoral_schema (version) VALUES (0);

-- nightcoral_jobs: every job not yet finished, as on SQLite (a row whose due_at is in the future
-- is a timer or a job waiting out its retry backoff), plus what sharing needs:
--   claimed_by: the coordinator that read the job ahead or runs it (NULL: any may claim it);
--   running:    an attempt started on claimed_by (attempts already counts it);
--   reply_to:   the coordinator whose addQuery awaits the job's reply, or NULL.
CREATE TABLE nightcoral_jobs (
  id         BIGSERIAL PRIMARY KEY,  -- ids are never reused
  payload    TEXT    NOT NULL,
  due_at     BIGINT  NOT NULL,       -- epoch millis
  created_at BIGINT  NOT NULL,       -- epoch millis; due_at > created_at marks a timer or retry
  attempts   INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  job_key    TEXT,
  priority   INTEGER NOT NULL DEFAULT 0,
  claimed_by TEXT,
  running    BOOLEAN NOT NULL DEFAULT FALSE,
  reply_to   TEXT
);
-- unique keys hold across every coordinator sharing the database
CREATE UNIQUE INDEX nightcoral_jobs_by_key ON nightcoral_jobs (job_key) WHERE job_key IS NOT NULL;
-- the claim query: unclaimed jobs in the order they run
CREATE INDEX nightcoral_jobs_ready ON nightcoral_jobs (priority DESC, due_at, id)
  WHERE claimed_by IS NULL;
CREATE INDEX nightcoral_jobs_by_due ON nightcoral_jobs (due_at);
CREATE INDEX nightcoral_jobs_by_claim ON nightcoral_jobs (claimed_by) WHERE claimed_by IS NOT NULL;

-- nightcoral_dead_jobs: jobs set aside after maxAttempts failed attempts; they keep their id.
CREATE TABLE nightcoral_dead_jobs (
  id         BIGINT  PRIMARY KEY,
  payload    TEXT    NOT NULL,
  attempts   INTEGER NOT NULL,
  last_error TEXT,
  died_at    BIGINT  NOT NULL,  -- epoch millis
  job_key    TEXT,
  priority   INTEGER NOT NULL DEFAULT 0
);

-- nightcoral_schedules: recurring jobs, as on SQLite. A coordinator fires a schedule while it holds
-- the schedule's row lock, in the transaction that moves next_run on: one firing per period.
CREATE TABLE nightcoral_schedules (
  name       TEXT    PRIMARY KEY,
  spec       TEXT    NOT NULL,
  payload    TEXT    NOT NULL,
  next_run   BIGINT  NOT NULL,  -- epoch millis
  last_run   BIGINT,
  last_job   BIGINT,
  skipped    BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX nightcoral_schedules_by_next_run ON nightcoral_schedules (next_run);

-- nightcoral_nodes: the coordinators sharing the database and their leases (the database's own
-- clock, so the machines' clocks need not agree). A coordinator whose lease lapsed loses its claims.
CREATE TABLE nightcoral_nodes (
  node       TEXT    PRIMARY KEY,
  started_at BIGINT  NOT NULL,  -- epoch millis
  renewed_at BIGINT  NOT NULL   -- epoch millis
);

-- nightcoral_replies: replies on their way to the coordinator that awaits them (reply_to).
CREATE TABLE nightcoral_replies (
  seq           BIGSERIAL PRIMARY KEY,
  node          TEXT    NOT NULL,
  job_id        BIGINT  NOT NULL,
  failed        BOOLEAN NOT NULL,
  payload       TEXT,
  error_class   TEXT,
  error_message TEXT,
  error_stack   TEXT
);
CREATE INDEX nightcoral_replies_by_node ON nightcoral_replies (node);
