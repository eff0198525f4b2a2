package io.nightcoral.spring;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralException;
import io.nightcoral.PoolStatus;
import io.nightcoral.Stats;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The {@code nightcoral} health component: UP with the {@code stats()} figures; DOWN with the
 * reason when the worker pool stopped itself (too many children died too fast) or NightCoral is
 * closed. Thread-safe.
 */
public class NightCoralHealthIndicator extends AbstractHealthIndicator {
  private final NightCoral<?> nightCoral;

  NightCoralHealthIndicator(NightCoral<?> nightCoral) {
    super("NightCoral health check failed");
    this.nightCoral = nightCoral;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Stats stats;
    try {
      stats = nightCoral.stats();
    } catch (NightCoralException e) {
      builder.down().withDetail("reason", e.getMessage());
      return;
    }
    PoolStatus pool = nightCoral.poolStatus();
    switch (pool.state()) {
      case STOPPED ->
          builder.down().withDetail("reason", "the worker pool stopped: " + pool.reason());
      case CLOSED -> builder.down().withDetail("reason", "NightCoral is closed");
      default -> builder.up();
    }
    builder.withDetail("pool", pool.state().name());
    builder
        .withDetail("workers", stats.workers())
        .withDetail("idleWorkers", stats.idleWorkers())
        .withDetail("queued", stats.queued())
        .withDetail("running", stats.running())
        .withDetail("timers", stats.timers())
        .withDetail("dead", stats.dead());
  }
}
