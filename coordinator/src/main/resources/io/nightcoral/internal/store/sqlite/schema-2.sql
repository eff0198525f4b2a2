-- NightCoral schema, version 2 (PRAGMA user_version = 2): upgrades version 1 in one transaction.
--
-- jobs.job_key: a job added with a key; while the job is unfinished (a row here) no other job may
-- have it, so a second add with the key stores nothing. Retired, dead or deleted frees it.
-- jobs.priority: higher runs first among due jobs; FIFO (due_at, then id) within one priority.
ALTER TABLE jobs ADD COLUMN job_key TEXT;
ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX jobs_by_key ON jobs (job_key) WHERE job_key IS NOT NULL;
CREATE INDEX jobs_by_priority ON jobs (priority, due_at, id);

-- dead_jobs keep their key and priority, which requeueDead gives back.
ALTER TABLE dead_jobs ADD COLUMN job_key TEXT;
ALTER TABLE dead_jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;

-- schedules: recurring jobs. Each firing inserts one ordinary job (last_job) in the transaction
-- that moves next_run on; a firing while last_job is still unfinished is skipped and counted.
CREATE TABLE schedules (
  name       TEXT    PRIMARY KEY,
  spec       TEXT    NOT NULL,  -- "cron <5 fields> <zone>" or "every <ISO-8601 duration>"
  payload    TEXT    NOT NULL,
  next_run   INTEGER NOT NULL,  -- epoch millis
  last_run   INTEGER,           -- epoch millis of the last firing, or NULL
  last_job   INTEGER,           -- the id of the job the last firing inserted, or NULL
  skipped    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX schedules_by_next_run ON schedules (next_run);
