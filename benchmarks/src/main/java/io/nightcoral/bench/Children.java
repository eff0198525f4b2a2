package io.nightcoral.bench;

import io.nightcoral.NightCoral;
import io.nightcoral.Stats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Scenarios about the worker children themselves: replacing a killed one, and their memory. */
final class Children {
  private static final int KILLS = 10;
  private static final long POLL_NANOS = 200_000;
  private static final long IDLE_BEFORE_RSS_MILLIS = 1_000;

  private Children() {}

  static Scenario respawn() {
    Metric p50 = new Metric("respawn p50", "ms", Target.atMost(120));
    Metric max = new Metric("respawn max", "ms", Target.none());
    Metric detect = new Metric("respawn: kill -> death seen, p50", "ms", Target.none());
    Metric restart = new Metric("respawn: death seen -> ready, p50", "ms", Target.none());
    return new Scenario(
        "respawn",
        KILLS + " times: destroyForcibly an idle child of 2, until stats shows 2 workers, 2 idle",
        List.of(p50, max, detect, restart),
        trial -> {
          // 10 deaths inside the default 15 s window would stop the pool
          try (NightCoral<BenchJob> nc = trial.builder().workerDeathThreshold(1_000).build()) {
            nc.launch(BenchHandler.class, 2);
            double[] total = new double[KILLS];
            double[] seen = new double[KILLS];
            double[] ready = new double[KILLS];
            for (int k = 0; k < KILLS; k++) {
              long diedBefore = awaitFullPool(nc).died();
              List<ProcessHandle> children = Workload.workerChildren();
              if (children.size() != 2) {
                throw new IllegalStateException(
                    "expected 2 worker children, found " + children.size());
              }
              ProcessHandle victim = children.get(k % 2);
              long start = System.nanoTime();
              victim.destroyForcibly();
              long deathSeen = 0;
              while (true) {
                Stats s = nc.stats();
                long now = System.nanoTime();
                if (s.died() > diedBefore) {
                  if (deathSeen == 0) {
                    deathSeen = now;
                  }
                  if (s.workers() == 2 && s.idleWorkers() == 2) {
                    total[k] = Samples.millis(now - start);
                    seen[k] = Samples.millis(deathSeen - start);
                    ready[k] = Samples.millis(now - deathSeen);
                    break;
                  }
                }
                if (now - start > TimeUnit.SECONDS.toNanos(Workload.WAIT_SECONDS)) {
                  throw new IllegalStateException(
                      "the pool did not recover after kill " + (k + 1) + ": " + s);
                }
                LockSupport.parkNanos(POLL_NANOS);
              }
            }
            trial.record(p50, Samples.percentile(total, 50));
            trial.record(max, Samples.percentile(total, 100));
            trial.record(detect, Samples.percentile(seen, 50));
            trial.record(restart, Samples.percentile(ready, 50));
          }
        });
  }

  private static Stats awaitFullPool(NightCoral<BenchJob> nc) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Workload.WAIT_SECONDS);
    while (true) {
      Stats s = nc.stats();
      if (s.workers() == 2 && s.idleWorkers() == 2) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the pool is not full and idle: " + s);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  static Scenario rss() {
    Metric rss = new Metric("rss VmRSS", "MiB", Target.atMost(40));
    Metric anon = new Metric("rss RssAnon", "MiB", Target.none());
    Metric file = new Metric("rss RssFile", "MiB", Target.none());
    Metric pss = new Metric("rss Pss", "MiB", Target.none());
    return new Scenario(
        "rss",
        "idle child with the default JVM options, 1 s after launch, from /proc/<pid>/status and smaps_rollup"
            + " (one sample per child)",
        List.of(rss, anon, file, pss),
        trial -> {
          try (NightCoral<BenchJob> nc = trial.builder().build()) {
            nc.launch(BenchHandler.class, 2);
            Thread.sleep(IDLE_BEFORE_RSS_MILLIS);
            List<ProcessHandle> children = Workload.workerChildren();
            if (children.size() != 2) {
              throw new IllegalStateException(
                  "expected 2 worker children, found " + children.size());
            }
            for (ProcessHandle child : children) {
              List<String> status =
                  Files.readAllLines(Path.of("/proc", Long.toString(child.pid()), "status"));
              trial.record(rss, statusMiB(status, "VmRSS"));
              trial.record(anon, statusMiB(status, "RssAnon"));
              trial.record(file, statusMiB(status, "RssFile"));
              Path rollup = Path.of("/proc", Long.toString(child.pid()), "smaps_rollup");
              if (Files.isReadable(rollup)) {
                trial.record(pss, statusMiB(Files.readAllLines(rollup), "Pss"));
              }
            }
          }
        });
  }

  /** A {@code /proc/<pid>/status} (or {@code smaps_rollup}) field given in kB, in MiB. */
  private static double statusMiB(List<String> status, String field) throws IOException {
    for (String line : status) {
      if (line.startsWith(field + ":")) {
        String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]) / 1024.0;
      }
    }
    throw new IOException("no " + field + " in /proc");
  }
}
