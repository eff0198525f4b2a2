package io.nightcoral.console;

import io.nightcoral.Stats;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the retired count and the queue's size at a fixed interval into a ring buffer, for the
 * overview's chart. It only calls {@code stats()} (a volatile read), so it never holds up the
 * queue. Its one daemon thread, {@code nightcoral-console-sampler}, logs and survives any failure.
 */
final class Sampler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Sampler.class);

  /**
   * One sample.
   *
   * @param at when, epoch millis
   * @param retired jobs retired since the instance started
   * @param queued jobs queued then
   */
  record Sample(long at, long retired, long queued) {}

  private final Supplier<Stats> stats;
  private final Clock clock;
  private final Duration interval;
  private final Sample[] ring;
  private int next;
  private int size;
  private ScheduledExecutorService timer;

  Sampler(Supplier<Stats> stats, Clock clock, Duration interval, int capacity) {
    this.stats = stats;
    this.clock = clock;
    this.interval = interval;
    this.ring = new Sample[capacity];
  }

  /** Starts sampling, one sample now and then one per interval. */
  synchronized void start() {
    if (timer != null) {
      return;
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "nightcoral-console-sampler");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(this::sampleQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Takes one sample now. */
  void sample() {
    Stats s = stats.get();
    Sample sample = new Sample(clock.millis(), s.retired(), s.queued());
    synchronized (this) {
      ring[next] = sample;
      next = (next + 1) % ring.length;
      size = Math.min(size + 1, ring.length);
    }
  }

  /** The samples kept, oldest first. */
  synchronized List<Sample> samples() {
    List<Sample> all = new ArrayList<>(size);
    int first = (next - size + ring.length) % ring.length;
    for (int i = 0; i < size; i++) {
      all.add(ring[(first + i) % ring.length]);
    }
    return all;
  }

  Duration interval() {
    return interval;
  }

  /** How many samples are kept. */
  int capacity() {
    return ring.length;
  }

  /** Stops sampling; the samples stay readable. */
  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (Throwable t) { // a periodic task that throws is never run again: keep going
      log.warn("console: cannot sample stats: {}", t.toString(), t);
    }
  }
}
