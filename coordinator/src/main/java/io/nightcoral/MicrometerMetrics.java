package io.nightcoral;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The meters of a NightCoral instance in a Micrometer registry. The only class that touches
 * Micrometer, loaded only when a registry is configured, so Micrometer stays optional.
 *
 * <p>Micrometer holds the source of a gauge or function counter weakly, so this object holds them
 * strongly for as long as the instance holds it; {@link #close()} takes the meters out of the
 * registry, so a later instance on the same registry registers (and reports) its own.
 */
final class MicrometerMetrics implements Metrics {
  private final MeterRegistry registry;
  private final Supplier<Stats> stats;
  private final BooleanSupplier timerLoopRunning;
  private final List<Meter> meters = new ArrayList<>();
  private final Timer jobTime;
  private final Timer queueLatency;
  private final Timer timerLatency;
  private final Timer ping;

  MicrometerMetrics(Object meterRegistry, Supplier<Stats> stats, BooleanSupplier timerLoopRunning) {
    this.registry = (MeterRegistry) meterRegistry;
    this.stats = stats;
    this.timerLoopRunning = timerLoopRunning;
    gauge("nightcoral.pool.workers", "worker children alive", Stats::workers);
    gauge("nightcoral.pool.workers.idle", "workers waiting for a job", Stats::idleWorkers);
    gauge("nightcoral.queue.size", "jobs due and waiting for a worker", Stats::queued);
    gauge("nightcoral.queue.processing", "jobs running", Stats::running);
    gauge("nightcoral.timer.count", "timers (and retries) not yet due", Stats::timers);
    meters.add(
        Gauge.builder(
                "nightcoral.timer.idle.workers",
                this.timerLoopRunning,
                t -> t.getAsBoolean() ? 1 : 0)
            .description("loops waiting for the next timer (1 while running)")
            .register(registry));
    meters.add(
        FunctionCounter.builder("nightcoral.pool.jobs.retired", this.stats, s -> s.get().retired())
            .description("jobs finished successfully")
            .register(registry));
    meters.add(
        FunctionCounter.builder("nightcoral.pool.workers.died", this.stats, s -> s.get().died())
            .description("workers that died or were killed")
            .register(registry));
    jobTime = timer("nightcoral.pool.job.time", "how long handlers take");
    queueLatency = timer("nightcoral.queue.latency", "from due to start");
    timerLatency = timer("nightcoral.timer.latency", "from a timer's expiry to its job's start");
    ping = timer("nightcoral.pool.ping", "ping round trips to workers");
  }

  private void gauge(String name, String description, ToDoubleFunction<Stats> value) {
    meters.add(
        Gauge.builder(name, stats, s -> value.applyAsDouble(s.get()))
            .description(description)
            .register(registry));
  }

  private Timer timer(String name, String description) {
    Timer timer = Timer.builder(name).description(description).register(registry);
    meters.add(timer);
    return timer;
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

  @Override
  public void close() {
    for (Meter meter : meters) {
      registry.remove(meter);
    }
  }
}
