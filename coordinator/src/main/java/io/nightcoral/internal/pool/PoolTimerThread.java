package io.nightcoral.internal.pool;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The real {@link PoolTimer}: one daemon thread, {@code nightcoral-pool}, on the JVM's clock. */
public final class PoolTimerThread implements PoolTimer {
  private final ScheduledThreadPoolExecutor executor;

  /** Starts nothing until the first task is scheduled. */
  public PoolTimerThread() {
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "nightcoral-pool");
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    ScheduledFuture<?> scheduled = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    return () -> scheduled.cancel(false);
  }

  @Override
  public void scheduleAtFixedRate(Runnable task, long periodNanos) {
    executor.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void shutdown() {
    executor.shutdownNow();
  }
}
