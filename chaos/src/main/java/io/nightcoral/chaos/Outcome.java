package io.nightcoral.chaos;

import java.util.List;

/**
 * The figures of one scenario, one row of the summary table.
 *
 * @param scenario its name
 * @param acked jobs and timers whose {@code add} returned (durable from then on)
 * @param ran distinct keys that ran at least once
 * @param lost acknowledged keys that never ran
 * @param duplicates runs beyond the first, over all keys
 * @param ranUnacked keys that ran but whose acknowledgement never reached the runner
 * @param dead jobs set aside as dead
 * @param kills {@code kill -9}s performed
 * @param seconds wall-clock time of the scenario
 * @param problems anything that fails the run besides lost and dead jobs
 */
record Outcome(
    String scenario,
    long acked,
    long ran,
    long lost,
    long duplicates,
    long ranUnacked,
    long dead,
    long kills,
    double seconds,
    List<String> problems) {

  boolean failed() {
    return lost > 0 || dead > 0 || !problems.isEmpty();
  }
}
