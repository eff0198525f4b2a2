package io.nightcoral.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * The queue's clock as NightCoral's rule makes it, to predict when timers may fire: the wall clock
 * made monotone. Time is measured in {@link System#nanoTime()} units; the wall clock is that plus
 * an offset which steps at known moments, and the queue's clock is the largest wall-clock reading
 * so far.
 */
final class QueueTime {
  private final List<Long> starts = new ArrayList<>(List.of(Long.MIN_VALUE));
  private final List<Long> offsets = new ArrayList<>(List.of(0L));

  /** Records that from {@code at} on, the wall clock is {@code offset} nanoseconds off. */
  void step(long at, long offset) {
    starts.add(at);
    offsets.add(offset);
  }

  /** The queue's clock at {@code s}: the largest wall-clock reading up to then. */
  long at(long s) {
    long q = Long.MIN_VALUE;
    for (int k = 0; k < starts.size() && starts.get(k) <= s; k++) {
      q = Math.max(q, Math.min(s, end(k)) + offsets.get(k));
    }
    return q;
  }

  /**
   * The first moment at or after {@code from} when the queue's clock reads {@code value} or more.
   */
  long reaches(long value, long from) {
    long before = Long.MIN_VALUE; // the queue's clock when segment k starts, from earlier segments
    for (int k = 0; k < starts.size(); k++) {
      long end = end(k);
      long lo = Math.max(from, starts.get(k));
      if (lo < end) {
        if (before >= value) {
          return lo;
        }
        long when = value - offsets.get(k);
        if (when < end) {
          return Math.max(lo, when);
        }
      }
      if (end != Long.MAX_VALUE) {
        before = Math.max(before, end + offsets.get(k));
      }
    }
    throw new IllegalStateException("unreachable: the last segment never ends");
  }

  private long end(int k) {
    return k + 1 < starts.size() ? starts.get(k + 1) : Long.MAX_VALUE;
  }
}
