package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every meter of the spec, against real children. */
@ExtendWith(NoChildOutlivesTest.class)
class MetricsTest {
  private static final List<String> METERS =
      List.of(
          "nightcoral.pool.workers",
          "nightcoral.pool.workers.idle",
          "nightcoral.pool.jobs.retired",
          "nightcoral.pool.job.time",
          "nightcoral.pool.ping",
          "nightcoral.pool.workers.died",
          "nightcoral.queue.size",
          "nightcoral.queue.processing",
          "nightcoral.queue.latency",
          "nightcoral.timer.count",
          "nightcoral.timer.idle.workers",
          "nightcoral.timer.latency");

  @TempDir Path dir;

  private static double gauge(MeterRegistry registry, String name) {
    return registry.get(name).gauge().value();
  }

  private static double counter(MeterRegistry registry, String name) {
    return registry.get(name).functionCounter().count();
  }

  private static List<String> nightcoralMeters(MeterRegistry registry) {
    return registry.getMeters().stream()
        .map(m -> m.getId().getName())
        .filter(n -> n.startsWith("nightcoral."))
        .toList();
  }

  /** Runs the collector until a weakly held object is gone, as Micrometer's gauge sources would. */
  private static void forceGarbageCollection() {
    WeakReference<Object> canary = new WeakReference<>(new Object());
    await()
        .until(
            () -> {
              System.gc();
              return canary.get() == null;
            });
  }

  private static long timerCount(MeterRegistry registry, String name) {
    return registry.get(name).timer().count();
  }

  @Test
  void everyMeterExistsAndMovesAsWorkFlows() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("m.db"))
            .metrics(registry)
            .pingFrequency(Duration.ofMillis(100))
            .warmSpares(0) // kills a worker
            .build();
    try (nc) {
      nc.launch(TestHandler.class, 2);
      assertEquals(2, gauge(registry, "nightcoral.pool.workers"));
      assertEquals(1, gauge(registry, "nightcoral.timer.idle.workers"));
      nc.addTimer(Duration.ofHours(1), new TestJob("count", 99));
      assertEquals(1, gauge(registry, "nightcoral.timer.count"));
      for (int i = 0; i < 5; i++) {
        nc.add(new TestJob("count", i));
      }
      nc.addTimer(Duration.ofMillis(50), new TestJob("count", 50));
      Await.get(nc.addQuery(new TestJob("square", 3)).reply());
      await()
          .until(() -> registry.get("nightcoral.pool.jobs.retired").functionCounter().count() == 7);
      Await.get(nc.idle());
      assertTrue(timerCount(registry, "nightcoral.pool.job.time") >= 7);
      assertTrue(timerCount(registry, "nightcoral.queue.latency") >= 7);
      assertTrue(timerCount(registry, "nightcoral.timer.latency") >= 1);
      await().until(() -> timerCount(registry, "nightcoral.pool.ping") > 0);

      Children.workers().get(0).destroyForcibly();
      await()
          .until(() -> registry.get("nightcoral.pool.workers.died").functionCounter().count() == 1);
      await()
          .until(
              () ->
                  gauge(registry, "nightcoral.pool.workers") == 2
                      && gauge(registry, "nightcoral.pool.workers.idle") == 2);
      assertEquals(0, gauge(registry, "nightcoral.queue.size"));
      assertEquals(0, gauge(registry, "nightcoral.queue.processing"));
      assertEquals(1, gauge(registry, "nightcoral.timer.count"));
      for (String name : METERS) {
        assertEquals(1, registry.find(name).meters().size(), name);
      }
    }
    assertEquals(List.of(), nightcoralMeters(registry));
  }

  @Test
  void gaugesAndCountersStayCorrectAfterGarbageCollection() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("gc.db"))
            .metrics(registry)
            .fakeWorker(job -> job)
            .build()) {
      nc.launch(2);
      nc.addTimer(Duration.ofHours(1), new TestJob("count", 99));
      forceGarbageCollection();
      for (int i = 0; i < 3; i++) {
        nc.add(new TestJob("count", i));
      }
      Await.get(nc.idle());
      forceGarbageCollection();
      forceGarbageCollection();
      assertEquals(2, gauge(registry, "nightcoral.pool.workers"));
      assertEquals(2, gauge(registry, "nightcoral.pool.workers.idle"));
      assertEquals(0, gauge(registry, "nightcoral.queue.size"));
      assertEquals(0, gauge(registry, "nightcoral.queue.processing"));
      assertEquals(1, gauge(registry, "nightcoral.timer.count"));
      assertEquals(1, gauge(registry, "nightcoral.timer.idle.workers"));
      assertEquals(3, counter(registry, "nightcoral.pool.jobs.retired"));
      assertEquals(0, counter(registry, "nightcoral.pool.workers.died"));
    }
  }

  @Test
  void aClosedInstanceRemovesItsMetersAndTheNextOnTheRegistryReportsItsOwn() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (NightCoral<TestJob> first =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("first.db"))
            .metrics(registry)
            .fakeWorker(job -> job)
            .build()) {
      first.launch(2);
      for (int i = 0; i < 3; i++) {
        first.add(new TestJob("count", i));
      }
      first.addTimer(Duration.ofHours(1), new TestJob("count", 99));
      Await.get(first.idle());
      assertEquals(3, counter(registry, "nightcoral.pool.jobs.retired"));
      assertEquals(METERS.size(), nightcoralMeters(registry).size());
    }
    assertEquals(List.of(), nightcoralMeters(registry));

    try (NightCoral<TestJob> second =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("second.db"))
            .metrics(registry)
            .fakeWorker(job -> job)
            .build()) {
      second.launch(1);
      second.add(new TestJob("count", 1));
      Await.get(second.idle());
      forceGarbageCollection();
      assertEquals(1, counter(registry, "nightcoral.pool.jobs.retired"));
      assertEquals(1, gauge(registry, "nightcoral.pool.workers"));
      assertEquals(0, gauge(registry, "nightcoral.timer.count"));
      assertEquals(1, gauge(registry, "nightcoral.timer.idle.workers"));
      assertEquals(METERS.size(), nightcoralMeters(registry).size());
    }
    assertEquals(List.of(), nightcoralMeters(registry));
  }

  @Test
  void aPrometheusRegistryScrapesTheMeters() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("p.db"))
            .metrics(prometheus)
            .fakeWorker(job -> job)
            .build()) {
      nc.launch(1);
      nc.add(new TestJob("count", 1));
      Await.get(nc.idle());
      String text = prometheus.scrape();
      assertTrue(text.contains("nightcoral_pool_jobs_retired_total 1.0"), text);
      assertTrue(text.contains("nightcoral_queue_size 0.0"), text);
    }
  }
}
