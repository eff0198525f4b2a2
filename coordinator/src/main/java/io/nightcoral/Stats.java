package io.nightcoral;

/**
 * A snapshot of a NightCoral instance.
 *
 * @param workers worker children (or fake workers) alive
 * @param idleWorkers workers waiting for a job
 * @param queued jobs due and waiting for a worker
 * @param running jobs a worker is running
 * @param retired jobs finished successfully since this instance started
 * @param died workers that died or were killed since this instance started
 * @param timers jobs waiting for a time in the future (timers, and failed jobs waiting to retry)
 * @param dead jobs set aside after {@code maxAttempts} failed attempts
 * @param spares warm spare children, set up and waiting to take a dead worker's place (counted in
 *     no other field)
 */
public record Stats(
    int workers,
    int idleWorkers,
    long queued,
    long running,
    long retired,
    long died,
    long timers,
    long dead,
    int spares) {
  Stats withSpares(int count) {
    return count == spares
        ? this
        : new Stats(workers, idleWorkers, queued, running, retired, died, timers, dead, count);
  }
}
