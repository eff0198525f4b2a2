package io.nightcoral.chaos;

import io.nightcoral.NightCoral;
import io.nightcoral.Stats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/** The bounded waits the scenarios share. */
final class Waits {
  private Waits() {}

  /**
   * Waits until {@code idle()} has completed and nothing is queued, running or waiting out a retry
   * backoff; false on timeout. Counts in {@code earlyIdles} the times {@code idle()} completed
   * while retries or timers still waited ({@code idle()} does not wait for them: they count as
   * timers).
   */
  static boolean awaitEmpty(NightCoral<?> nc, Duration limit, AtomicLong earlyIdles)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        nc.idle().get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        throw new IllegalStateException("idle() failed", e.getCause());
      }
      Stats s = nc.stats();
      if (s.queued() == 0 && s.running() == 0 && s.timers() == 0) {
        return true;
      }
      earlyIdles.incrementAndGet();
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** Waits until the pool has {@code count} workers up; false on timeout. */
  static boolean awaitWorkers(NightCoral<?> nc, int count, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (nc.stats().workers() < count) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    return true;
  }

  /**
   * Waits until this JVM has no worker child left; returns how many are left after {@code millis}.
   */
  static int awaitNoWorkers(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    List<ProcessHandle> left = ChildKiller.liveWorkers(ProcessHandle.current());
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
      left = ChildKiller.liveWorkers(ProcessHandle.current());
    }
    return left.size();
  }

  /** Sleeps until {@code nanoTime} reaches {@code deadline}. */
  static void until(long deadline) throws InterruptedException {
    long left = deadline - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  /** Seconds since {@code startNanos}. */
  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
