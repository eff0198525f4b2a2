package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Times too far ahead to count saturate: they are stored, never due, and cost no CPU. */
class TimeArithmeticTest {
  @TempDir Path dir;

  private NightCoralBuilder<TestJob> builder() {
    return NightCoral.builder(TestJob.class)
        .databaseFile(dir.resolve("far.db"))
        .fakeWorker(job -> null);
  }

  @Test
  void timersTooFarAheadToCountAreStoredAndNeverDue() throws Exception {
    try (NightCoral<TestJob> nc = builder().build()) {
      nc.launch(1);
      nc.addTimer(Duration.ofSeconds(Long.MAX_VALUE), new TestJob("far", 1));
      nc.addTimerAt(Instant.MAX, new TestJob("farthest", 2));
      nc.addTimerAt(Instant.parse("9999-12-31T23:59:59Z"), new TestJob("year 9999", 3));
      nc.addTimer(Duration.ofDays(365L * 300), new TestJob("in 300 years", 4));
      assertEquals(4, nc.stats().timers());
      assertQueueThreadIdles();
      assertEquals(4, nc.stats().timers());
    }
    try (NightCoral<TestJob> nc = builder().build()) { // and after a restart
      nc.launch(1);
      assertEquals(4, nc.stats().timers());
      assertQueueThreadIdles();
    }
  }

  @Test
  void aTimerAtTheStartOfTimeRunsAtOnce() throws Exception {
    try (NightCoral<TestJob> nc = builder().build()) {
      nc.launch(1);
      nc.addTimerAt(Instant.MIN, new TestJob("long past", 1));
      Await.get(nc.idle());
      assertEquals(1, nc.stats().retired());
    }
  }

  @Test
  void everyDurationOptionHasAnUpperBound() {
    Duration tooLong = NightCoralBuilder.LONGEST_DURATION.plusMillis(1);
    Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
    List<NamedOption> options =
        List.of(
            new NamedOption("pingFrequency", (d) -> builder().pingFrequency(d)),
            new NamedOption("pingTimeout", (d) -> builder().pingTimeout(d)),
            new NamedOption("replyTimeout", (d) -> builder().replyTimeout(d)),
            new NamedOption("workerDeathDuration", (d) -> builder().workerDeathDuration(d)),
            new NamedOption("jobTimeout", (d) -> builder().jobTimeout(d)),
            new NamedOption("closeTimeout", (d) -> builder().closeTimeout(d)),
            new NamedOption("retryBackoff first", (d) -> builder().retryBackoff(d, d)),
            new NamedOption(
                "retryBackoff max", (d) -> builder().retryBackoff(Duration.ofSeconds(1), d)));
    for (NamedOption option : options) {
      for (Duration bad : List.of(tooLong, huge)) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> option.set().accept(bad));
        assertTrue(e.getMessage().startsWith(option.name()), e.getMessage());
      }
      option.set().accept(NightCoralBuilder.LONGEST_DURATION); // the bound itself is fine
    }
  }

  @Test
  void theLongestOptionsWorkTogether() throws Exception {
    Duration year = NightCoralBuilder.LONGEST_DURATION;
    try (NightCoral<TestJob> nc =
        builder()
            .replyTimeout(year)
            .jobTimeout(year)
            .retryBackoff(year, year)
            .maxAttempts(2)
            .fakeWorker(
                job -> {
                  if (job.task().equals("fail")) {
                    throw new IllegalStateException("fails");
                  }
                  return job;
                })
            .build()) {
      nc.launch(1);
      assertEquals(new TestJob("echo", 1), Await.get(nc.addQuery(new TestJob("echo", 1)).reply()));
      nc.add(new TestJob("fail", 2));
      await().until(() -> nc.stats().timers() == 1); // waits a year to retry
      assertQueueThreadIdles();
    }
  }

  private record NamedOption(String name, Consumer<Duration> set) {}

  /** The queue's thread uses next to no CPU over a while: it sleeps, it does not spin. */
  private static void assertQueueThreadIdles() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long id =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("nightcoral-queue"))
            .findFirst()
            .orElseThrow()
            .getId();
    long before = threads.getThreadCpuTime(id);
    long wallBefore = System.nanoTime();
    await()
        .pollDelay(Duration.ofMillis(300))
        .until(() -> System.nanoTime() - wallBefore >= 300_000_000L);
    long used = threads.getThreadCpuTime(id) - before;
    assertTrue(used < 100_000_000L, "the queue thread spun: " + used / 1_000_000 + " ms of CPU");
  }
}
