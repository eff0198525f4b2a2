package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A fake worker that counts how many times each job ran, by a key it takes from the job, then does
 * what the test gave it (by default nothing: the reply is null).
 *
 * @param <J> the job type
 * @param <K> the key jobs are counted by
 */
final class CountingWorker<J, K> implements FakeWorker<J> {
  /** What the worker does once it has counted a run; {@code run} is 1 on the job's first run. */
  @FunctionalInterface
  interface Then<J> {
    /** The reply, or null; a throw fails the attempt. */
    J handle(J job, int run) throws Exception;
  }

  private final Function<J, K> key;
  private final Then<J> then;
  private final Map<K, Integer> runs = new ConcurrentHashMap<>();

  private CountingWorker(Function<J, K> key, Then<J> then) {
    this.key = key;
    this.then = then;
  }

  /** Counts test jobs by their value. */
  static CountingWorker<TestJob, Integer> byValue() {
    return byValue((job, run) -> null);
  }

  /** Counts test jobs by their value, then runs {@code then}. */
  static CountingWorker<TestJob, Integer> byValue(Then<TestJob> then) {
    return new CountingWorker<>(TestJob::value, then);
  }

  /** Counts string jobs by their text. */
  static CountingWorker<String, String> byText() {
    return new CountingWorker<>(job -> job, (job, run) -> null);
  }

  @Override
  public J handle(J job) throws Exception {
    return then.handle(job, runs.merge(key.apply(job), 1, Integer::sum));
  }

  /** How many times the job with this key ran. */
  int runs(K job) {
    return runs.getOrDefault(job, 0);
  }

  /** Every job that ran, with how many times it did. */
  Map<K, Integer> counts() {
    return Map.copyOf(runs);
  }

  /** Asserts that {@code jobs} different jobs ran, each exactly once. */
  void assertEachRanOnce(int jobs) {
    Map<K, Integer> counts = counts();
    assertEquals(jobs, counts.size(), "jobs that ran");
    counts.forEach((job, n) -> assertEquals(1, n, "runs of job " + job));
  }
}
