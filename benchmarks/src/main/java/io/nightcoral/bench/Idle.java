package io.nightcoral.bench;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An idle coordinator: no jobs, no timers due, 2 idle workers and the default warm spare. SPEC §8
 * wants no periodic wake-ups but the pings; this counts the context switches of the queue thread
 * (and, for explanation, of all of NightCoral's threads in this JVM) over {@link #WINDOW_SECONDS}
 * from {@code /proc/self/task/<tid>/status}. A thread that sleeps until it has work switches only
 * when something wakes it.
 */
final class Idle {
  private static final long WINDOW_SECONDS = 5;
  private static final long SETTLE_MILLIS = 1_000;
  private static final int WORKERS = 2;

  /** The kernel keeps 15 characters of a thread's name. */
  private static final String QUEUE_THREAD = "nightcoral-queu";

  private static final String OURS = "nightcoral-";

  private Idle() {}

  static Scenario idle() {
    // the default pings come every 60 s: at most one round falls in the window, one per child
    long pings =
        (WORKERS + NightCoralBuilder.DEFAULT_WARM_SPARES)
            * Math.max(
                1,
                (long)
                    Math.ceil(
                        WINDOW_SECONDS
                            / (double) NightCoralBuilder.DEFAULT_PING_FREQUENCY.toSeconds()));
    Metric queue =
        new Metric(
            "idle: queue thread wake-ups in " + WINDOW_SECONDS + " s",
            "count",
            Target.atMost(pings));
    Metric all =
        new Metric(
            "idle: wake-ups of all nightcoral threads in " + WINDOW_SECONDS + " s",
            "count",
            Target.none());
    return new Scenario(
        "idle",
        "context switches of the queue thread (target: at most one ping round, "
            + pings
            + ") and of all nightcoral-* threads over "
            + WINDOW_SECONDS
            + " s, 2 idle workers and the default spare, no jobs, no timers",
        List.of(queue, all),
        trial -> {
          try (NightCoral<BenchJob> nc = trial.builder().build()) {
            nc.launch(BenchHandler.class, WORKERS);
            Workload.awaitFullPool(nc, WORKERS, NightCoralBuilder.DEFAULT_WARM_SPARES);
            Thread.sleep(SETTLE_MILLIS);
            long[] before = switches();
            Thread.sleep(TimeUnit.SECONDS.toMillis(WINDOW_SECONDS));
            long[] after = switches();
            if (before[0] < 0 || after[0] < 0) {
              throw new IllegalStateException("no thread named " + QUEUE_THREAD + " in /proc");
            }
            trial.record(queue, after[0] - before[0]);
            trial.record(all, after[1] - before[1]);
          }
        });
  }

  /**
   * The context switches (voluntary and not) of the queue thread (-1 if none is found) and the sum
   * over every thread whose name starts with {@code nightcoral-}, now.
   */
  private static long[] switches() throws IOException {
    long queue = -1;
    long all = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String name;
        List<String> status;
        try {
          name = Files.readString(task.resolve("comm")).strip();
          status = Files.readAllLines(task.resolve("status"));
        } catch (IOException e) {
          continue; // the thread ended meanwhile
        }
        if (!name.startsWith(OURS)) {
          continue;
        }
        long n =
            field(status, "voluntary_ctxt_switches") + field(status, "nonvoluntary_ctxt_switches");
        all += n;
        if (name.equals(QUEUE_THREAD)) {
          queue = n;
        }
      }
    }
    return new long[] {queue, all};
  }

  private static long field(List<String> status, String name) throws IOException {
    for (String line : status) {
      if (line.startsWith(name + ":")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    throw new IOException("no " + name + " in a thread's status");
  }
}
