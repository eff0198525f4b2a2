package io.nightcoral.chaos;

import java.util.List;

/**
 * The figures of one scenario, one row of the summary table.
 *
 * @param scenario its name
 * @param acked jobs and timers whose {@code add} returned (durable from then on)
 * @param ran distinct keys with at least one finished run
 * @param lost acknowledged keys that never finished a run
 * @param duplicates finished runs beyond the first, over all keys
 * @param ranUnacked keys that ran but whose acknowledgement never reached the runner
 * @param dead jobs set aside as dead
 * @param badCharges jobs charged an attempt that never started
 * @param refused adds that failed with an exception (nothing was promised for them)
 * @param kills {@code kill -9}s performed
 * @param seconds wall-clock time of the scenario
 * @param problems anything that fails the run besides lost, dead and wrongly charged jobs
 * @param figures the scenario's own figures, printed under the table
 */
record Outcome(
    String scenario,
    long acked,
    long ran,
    long lost,
    long duplicates,
    long ranUnacked,
    long dead,
    long badCharges,
    long refused,
    long kills,
    double seconds,
    List<String> problems,
    List<String> figures) {

  boolean failed() {
    return lost > 0 || dead > 0 || badCharges > 0 || !problems.isEmpty();
  }
}
