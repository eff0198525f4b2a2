package io.nightcoral.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What the machine is doing around a measurement: how idle its CPUs are, how long an fsync takes
 * right now, and how late a thread waiting on a queue runs after work is handed to it. Other work
 * on a small machine moves every figure, so each repetition first waits (bounded) for a quiet
 * moment and the progress log shows both.
 */
final class Machine {
  private static final int PROBE_WRITES = 200;
  private static final int PROBE_WAKES = 200;

  private Machine() {}

  /**
   * Waits until the CPUs were at least {@code idleShare} idle over one second, or {@code
   * maxSeconds} have passed; returns the last idle share seen (NaN where /proc/stat cannot be
   * read).
   */
  static double awaitQuiet(double idleShare, long maxSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    double idle;
    do {
      long[] before = cpuTicks();
      Thread.sleep(1_000);
      long[] after = cpuTicks();
      if (before == null || after == null) {
        return Double.NaN;
      }
      idle = (double) (after[1] - before[1]) / Math.max(1, after[0] - before[0]);
    } while (idle < idleShare && System.nanoTime() < deadline);
    return idle;
  }

  /** Total and idle (idle + iowait) jiffies of all CPUs, or null. */
  private static long[] cpuTicks() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
      String[] f = lines.get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Median and 99th percentile, in microseconds, of appending 100 bytes and fdatasync-ing in {@code
   * dir}.
   */
  static double[] fsyncMicros(Path dir) throws IOException {
    Path file = dir.resolve("fsync-probe.bin");
    double[] micros = new double[PROBE_WRITES];
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.allocate(100);
      for (int i = 0; i < PROBE_WRITES; i++) {
        buf.clear();
        long start = System.nanoTime();
        ch.write(buf);
        ch.force(false);
        micros[i] = (System.nanoTime() - start) / 1e3;
      }
    } finally {
      Files.deleteIfExists(file);
    }
    return new double[] {Samples.percentile(micros, 50), Samples.percentile(micros, 99)};
  }

  /**
   * Median and 99th percentile, in microseconds, of a hand-off between threads: from a put into a
   * {@link LinkedBlockingQueue} until the thread parked in its {@code take} runs (the kind of
   * hand-off every job makes several of between the coordinator's threads and a child's).
   */
  static double[] wakeMicros() throws InterruptedException {
    BlockingQueue<Long> queue = new LinkedBlockingQueue<>();
    double[] micros = new double[PROBE_WAKES];
    Thread taker =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < PROBE_WAKES; i++) {
                  long sent = queue.take();
                  micros[i] = (System.nanoTime() - sent) / 1e3;
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "bench-wake-probe");
    taker.start();
    for (int i = 0; i < PROBE_WAKES; i++) {
      Thread.sleep(1); // the taker parks again before each hand-off
      queue.put(System.nanoTime());
    }
    taker.join(TimeUnit.SECONDS.toMillis(Workload.WAIT_SECONDS));
    return new double[] {Samples.percentile(micros, 50), Samples.percentile(micros, 99)};
  }
}
