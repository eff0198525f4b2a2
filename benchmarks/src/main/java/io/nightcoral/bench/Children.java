package io.nightcoral.bench;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralBuilder;
import io.nightcoral.Stats;
import io.nightcoral.WorkerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/** Scenarios about the worker children themselves: replacing a killed one, and their memory. */
final class Children {
  private static final int KILLS = 10;
  private static final long POLL_NANOS = 200_000;
  private static final long IDLE_BEFORE_RSS_MILLIS = 1_000;
  private static final int RSS_WORKERS = 4;
  private static final String SHARED = "-XX:SharedArchiveFile=";

  private Children() {}

  /**
   * Kills an idle worker {@link #KILLS} times with {@code spares} warm spares; with the default
   * spare it carries SPEC §8's target (a ready worker in the dead one's place within 20 ms at the
   * median), without spares it shows a cold start for comparison.
   */
  static Scenario respawn(String name, int spares) {
    boolean targeted = spares == NightCoralBuilder.DEFAULT_WARM_SPARES;
    String label = spares == 0 ? name + " (no spare)" : name;
    Metric p50 = new Metric(label + " p50", "ms", targeted ? Target.atMost(20) : Target.none());
    Metric max = new Metric(label + " max", "ms", Target.none());
    Metric detect = new Metric(label + ": kill -> death seen, p50", "ms", Target.none());
    Metric restart = new Metric(label + ": death seen -> ready, p50", "ms", Target.none());
    return new Scenario(
        name,
        KILLS
            + " times: destroyForcibly an idle worker of 2 ("
            + spares
            + " warm spares), until stats shows 2 workers, 2 idle; then waits for the spares to"
            + " be back before the next kill",
        List.of(p50, max, detect, restart),
        trial -> {
          // 10 deaths inside the default 15 s window would stop the pool
          try (NightCoral<BenchJob> nc =
              trial.builder().workerDeathThreshold(1_000).warmSpares(spares).build()) {
            nc.launch(BenchHandler.class, 2);
            double[] total = new double[KILLS];
            double[] seen = new double[KILLS];
            double[] ready = new double[KILLS];
            for (int k = 0; k < KILLS; k++) {
              long diedBefore = Workload.awaitFullPool(nc, 2, spares).died();
              ProcessHandle victim = liveWorkers(nc, 2).get(k % 2);
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

  /**
   * The processes of the {@code count} workers {@link NightCoral#workers()} lists, once they are
   * all alive (its list is the queue's view at its last turn, which may lag a death by a turn).
   */
  private static List<ProcessHandle> liveWorkers(NightCoral<BenchJob> nc, int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Workload.WAIT_SECONDS);
    while (true) {
      List<WorkerInfo> workers = nc.workers();
      List<ProcessHandle> alive =
          workers.stream()
              .map(w -> ProcessHandle.of(w.pid()))
              .flatMap(Optional::stream)
              .filter(ProcessHandle::isAlive)
              .toList();
      if (workers.size() == count && alive.size() == count) {
        return alive;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("expected " + count + " live workers, found " + workers);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /**
   * The memory of {@link #RSS_WORKERS} idle workers with the default JVM options, one sample per
   * worker; every worker must meet SPEC §8's bounds (RSS at most 40 MiB, Pss at most 25 MiB). The
   * warm spare is reported in rows of its own, without a target.
   */
  static Scenario rss() {
    Metric rss = new Metric("rss VmRSS", "MiB", Target.atMost(40).onWorst());
    Metric anon = new Metric("rss RssAnon", "MiB", Target.none());
    Metric file = new Metric("rss RssFile", "MiB", Target.none());
    Metric pss = new Metric("rss Pss", "MiB", Target.atMost(25).onWorst());
    Metric spareRss = new Metric("rss spare VmRSS", "MiB", Target.none());
    Metric sparePss = new Metric("rss spare Pss", "MiB", Target.none());
    Metric archived = new Metric("rss workers use the class-data archive", "yes/no", Target.none());
    return new Scenario(
        "rss",
        RSS_WORKERS
            + " idle workers (and the default warm spare, reported apart) with the default JVM"
            + " options, 1 s after the pool is full, from /proc/<pid>/status and smaps_rollup (one"
            + " sample per child)",
        List.of(rss, anon, file, pss, spareRss, sparePss, archived),
        trial -> {
          try (NightCoral<BenchJob> nc = trial.builder().build()) {
            nc.launch(BenchHandler.class, RSS_WORKERS);
            Workload.awaitFullPool(nc, RSS_WORKERS, NightCoralBuilder.DEFAULT_WARM_SPARES);
            Thread.sleep(IDLE_BEFORE_RSS_MILLIS);
            Set<Long> workers =
                liveWorkers(nc, RSS_WORKERS).stream()
                    .map(ProcessHandle::pid)
                    .collect(Collectors.toSet());
            List<ProcessHandle> children = Workload.workerChildren();
            if (workers.size() != RSS_WORKERS
                || children.size() != RSS_WORKERS + NightCoralBuilder.DEFAULT_WARM_SPARES) {
              throw new IllegalStateException(
                  "expected "
                      + RSS_WORKERS
                      + " workers and "
                      + NightCoralBuilder.DEFAULT_WARM_SPARES
                      + " spare, found workers "
                      + workers
                      + " among children "
                      + children.stream().map(ProcessHandle::pid).toList());
            }
            for (ProcessHandle child : children) {
              boolean worker = workers.contains(child.pid());
              List<String> status =
                  Files.readAllLines(Path.of("/proc", Long.toString(child.pid()), "status"));
              trial.record(worker ? rss : spareRss, statusMiB(status, "VmRSS"));
              if (worker) {
                trial.record(anon, statusMiB(status, "RssAnon"));
                trial.record(file, statusMiB(status, "RssFile"));
                // before the first training run has written it, children start without it
                trial.record(
                    archived,
                    child
                            .info()
                            .arguments()
                            .map(a -> List.of(a).stream().anyMatch(x -> x.startsWith(SHARED)))
                            .orElse(false)
                        ? 1
                        : 0);
              }
              Path rollup = Path.of("/proc", Long.toString(child.pid()), "smaps_rollup");
              if (Files.isReadable(rollup)) {
                trial.record(worker ? pss : sparePss, statusMiB(Files.readAllLines(rollup), "Pss"));
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
