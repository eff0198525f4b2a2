package io.nightcoral;

import io.nightcoral.internal.Times;
import java.time.Clock;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The queue's time: the wall clock (epoch milliseconds, as stored) made monotone. It never goes
 * back: after the wall clock steps back it holds still until the wall clock catches up, so no timer
 * fires early or twice; a step forward is followed at once. Steps are told apart from the wall
 * clock's usual drift by comparing it with the monotonic clock, and logged. Confined to the queue's
 * thread.
 */
final class QueueClock {
  /** A wall-clock change larger than this, beyond what the monotonic clock saw, is a step. */
  static final long STEP_MILLIS = 1_000;

  private final Clock wall;
  private final LongSupplier nanos;
  private final Logger log;
  private final String name;
  private long now = Long.MIN_VALUE;
  private long lastWall;
  private long lastNanos;

  QueueClock(Clock wall, LongSupplier nanos, Logger log, String name) {
    this.wall = wall;
    this.nanos = nanos;
    this.log = log;
    this.name = name;
  }

  /** Reads the clocks: the queue's time now, never less than before. */
  long advance() {
    long w = wall.millis();
    long n = nanos.getAsLong();
    if (now != Long.MIN_VALUE) {
      long expected = Times.plus(lastWall, (n - lastNanos) / 1_000_000);
      long step = Times.minus(w, expected);
      if (Math.abs(step) > STEP_MILLIS + (n - lastNanos) / 1_000_000_000L) {
        log.warn(
            "{}: the wall clock stepped {} by {} ms; {}",
            name,
            step > 0 ? "forward" : "back",
            Math.abs(step),
            step > 0
                ? "timers due in that span fire now"
                : "timers wait until it reaches where it was, so none fires early");
      }
    }
    lastWall = w;
    lastNanos = n;
    now = Math.max(now, w);
    return now;
  }

  /** The queue's time as of the last {@link #advance}. */
  long now() {
    return now;
  }

  /** The wall clock's epoch milliseconds and nanoseconds now, for sleeping to a due time. */
  Instant wallInstant() {
    return wall.instant();
  }
}
