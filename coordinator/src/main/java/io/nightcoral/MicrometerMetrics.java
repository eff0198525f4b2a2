package io.nightcoral;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The meters of a NightCoral instance in a Micrometer registry. The only class that touches
 * Micrometer, loaded only when a registry is configured, so Micrometer stays optional.
 */
final class MicrometerMetrics implements Metrics {
  private final Timer jobTime;
  private final Timer queueLatency;
  private final Timer timerLatency;
  private final Timer ping;

  MicrometerMetrics(Object meterRegistry, Supplier<Stats> stats, BooleanSupplier timerLoopRunning) {
    MeterRegistry registry = (MeterRegistry) meterRegistry;
    gauge(registry, "nightcoral.pool.workers", "worker children alive", stats, Stats::workers);
    gauge(
        registry,
        "nightcoral.pool.workers.idle",
        "workers waiting for a job",
        stats,
        Stats::idleWorkers);
    gauge(
        registry,
        "nightcoral.queue.size",
        "jobs due and waiting for a worker",
        stats,
        Stats::queued);
    gauge(registry, "nightcoral.queue.processing", "jobs running", stats, Stats::running);
    gauge(
        registry,
        "nightcoral.timer.count",
        "timers (and retries) not yet due",
        stats,
        Stats::timers);
    Gauge.builder("nightcoral.timer.idle.workers", timerLoopRunning, t -> t.getAsBoolean() ? 1 : 0)
        .description("loops waiting for the next timer (1 while running)")
        .register(registry);
    FunctionCounter.builder("nightcoral.pool.jobs.retired", stats, s -> s.get().retired())
        .description("jobs finished successfully")
        .register(registry);
    FunctionCounter.builder("nightcoral.pool.workers.died", stats, s -> s.get().died())
        .description("workers that died or were killed")
        .register(registry);
    jobTime =
        Timer.builder("nightcoral.pool.job.time")
            .description("how long handlers take")
            .register(registry);
    queueLatency =
        Timer.builder("nightcoral.queue.latency")
            .description("from due to start")
            .register(registry);
    timerLatency =
        Timer.builder("nightcoral.timer.latency")
            .description("from a timer's expiry to its job's start")
            .register(registry);
    ping =
        Timer.builder("nightcoral.pool.ping")
            .description("ping round trips to workers")
            .register(registry);
  }

  private static void gauge(
      MeterRegistry registry,
      String name,
      String description,
      Supplier<Stats> stats,
      ToDoubleFunction<Stats> value) {
    Gauge.builder(name, stats, s -> value.applyAsDouble(s.get()))
        .description(description)
        .register(registry);
  }

  @Override
  public void jobTime(long nanos) {
    jobTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void queueLatency(long millis) {
    queueLatency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  @Override
  public void timerLatency(long millis) {
    timerLatency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  @Override
  public void ping(long nanos) {
    ping.record(nanos, TimeUnit.NANOSECONDS);
  }
}
