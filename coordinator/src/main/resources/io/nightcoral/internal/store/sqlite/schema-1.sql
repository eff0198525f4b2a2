-- NightCoral schema, version 1 (PRAGMA user_version = 1).
-- Upgrade notes: every later version gets its own schema-N.sql that upgrades from N-1; a new
-- database runs them all in order, in one transaction.
--   2: unique job keys, priorities and recurring schedules (schema-2.sql).
--
-- jobs: every job not yet finished. A row with due_at in the future is a timer (or a job
-- waiting out its retry backoff); a row whose due_at has passed is queued or running.
-- attempts counts started attempts and is written before each attempt starts.
CREATE TABLE jobs (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  payload    TEXT    NOT NULL,
  due_at     INTEGER NOT NULL,  -- epoch millis
  created_at INTEGER NOT NULL,  -- epoch millis; due_at > created_at marks a timer (or a retry)
  attempts   INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX jobs_by_due ON jobs (due_at);

-- dead_jobs: jobs set aside after maxAttempts failed attempts; they keep their job id.
CREATE TABLE dead_jobs (
  id         INTEGER PRIMARY KEY,
  payload    TEXT    NOT NULL,
  attempts   INTEGER NOT NULL,
  last_error TEXT,
  died_at    INTEGER NOT NULL  -- epoch millis
);
