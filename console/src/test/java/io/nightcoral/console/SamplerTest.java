package io.nightcoral.console;

import static io.nightcoral.console.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nightcoral.Stats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The overview chart's samples: a ring of the newest, rates between them, a thread that lasts. */
class SamplerTest {
  private final AtomicLong retired = new AtomicLong();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Supplier<Stats> stats =
      () -> new Stats(1, 1, queued.get(), 0, retired.get(), 0, 0, 0, 0);
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(now.get());
        }
      };

  @Test
  void theRingKeepsTheNewestSamplesOldestFirst() {
    Sampler sampler = new Sampler(stats, clock, Duration.ofSeconds(2), 3);
    for (int i = 1; i <= 5; i++) {
      retired.set(i * 10);
      sampler.sample();
      now.addAndGet(2_000);
    }
    assertEquals(
        List.of(30L, 40L, 50L), sampler.samples().stream().map(Sampler.Sample::retired).toList());
  }

  @Test
  void pointsGiveJobsRetiredPerSecondAndTheQueuesSize() {
    Sampler sampler = new Sampler(stats, clock, Duration.ofSeconds(2), 10);
    sampler.sample();
    now.addAndGet(2_000);
    retired.set(25);
    queued.set(7);
    sampler.sample();
    now.addAndGet(2_000);
    retired.set(20); // a new instance counts from 0 again: never a negative rate
    sampler.sample();
    List<OverviewPage.Point> points = OverviewPage.points(sampler.samples());
    assertEquals(2, points.size());
    assertEquals(12.5, points.get(0).retiredPerSecond());
    assertEquals(7, points.get(0).queued());
    assertEquals(0.0, points.get(1).retiredPerSecond());
  }

  @Test
  void aFailedReadOfTheStatsDoesNotStopTheSampling() {
    AtomicInteger calls = new AtomicInteger();
    Supplier<Stats> failingFirst =
        () -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("a failing read");
          }
          return stats.get();
        };
    try (Sampler sampler =
        new Sampler(failingFirst, Clock.systemUTC(), Duration.ofMillis(100), 5)) {
      sampler.start();
      await().until(() -> sampler.samples().size() >= 2);
    }
    await()
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("nightcoral-console-sampler")));
  }
}
