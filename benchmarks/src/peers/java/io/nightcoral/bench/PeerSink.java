package io.nightcoral.bench;

import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a peer's handlers report, in the benchmark's own JVM: how many no-op jobs ran, when each
 * probe started, and when each timer fired. Handlers call these first thing, from the peer's worker
 * threads.
 */
public final class PeerSink {
  private final AtomicLong noops = new AtomicLong();
  private final AtomicLong firstNoopNanos = new AtomicLong();
  private final BlockingQueue<long[]> probes = new LinkedBlockingQueue<>();
  private final Queue<long[]> fired = new ConcurrentLinkedQueue<>();
  private final Semaphore firedCount = new Semaphore(0);

  /** A no-op job ran. */
  public void noop() {
    long nanos = System.nanoTime();
    firstNoopNanos.compareAndSet(0, nanos);
    noops.incrementAndGet();
  }

  /** A probe added at {@code addedNanos} ({@code System.nanoTime()}) started at {@code nanos}. */
  public void probe(long addedNanos, long nanos) {
    probes.add(new long[] {addedNanos, nanos});
  }

  /** A timer due at {@code dueMillis} (epoch millis) started at {@code wall}. */
  public void fired(long dueMillis, Instant wall) {
    long micros =
        Math.addExact(
            Math.multiplyExact(wall.getEpochSecond(), 1_000_000L), wall.getNano() / 1_000);
    fired.add(new long[] {dueMillis, micros});
    firedCount.release();
  }

  long noops() {
    return noops.get();
  }

  /** When the first no-op job started ({@code System.nanoTime()}), or 0 before. */
  long firstNoopNanos() {
    return firstNoopNanos.get();
  }

  BlockingQueue<long[]> probes() {
    return probes;
  }

  Queue<long[]> fired() {
    return fired;
  }

  Semaphore firedCount() {
    return firedCount;
  }
}
