package io.nightcoral.bench;

import io.nightcoral.NightCoral;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's heap with a million pending timers: measured in the benchmark's own JVM, then
 * again in a forked JVM limited to {@code -Xmx64m}, which must complete.
 */
final class Heap {
  /** The first argument of {@link Benchmarks#main} that runs the forked side of this scenario. */
  static final String FORK_ARG = "heap-fork";

  private static final int TIMERS = 1_000_000;
  private static final int ADDERS = 32;
  private static final String RESULT_PREFIX = "heap-used-bytes ";
  private static final long FORK_LIMIT_SECONDS = 900;

  private Heap() {}

  static Scenario heap() {
    Metric used = new Metric("heap used", "MiB", Target.atMost(64));
    Metric growth = new Metric("heap growth over the empty JVM", "MiB", Target.none());
    Metric forkDone = new Metric("heap -Xmx64m JVM completed", "yes/no", Target.exactly(1));
    Metric forkUsed = new Metric("heap used in the -Xmx64m JVM", "MiB", Target.atMost(64));
    return new Scenario(
        "heap",
        TIMERS
            + " timers 1 h ahead (addTimer from "
            + ADDERS
            + " threads), then used heap after System.gc()",
        List.of(used, growth, forkDone, forkUsed),
        trial -> {
          long before = usedHeapAfterGc();
          long after;
          try (NightCoral<BenchJob> nc = trial.builder().build()) {
            Workload.addTimers(nc, TIMERS, Duration.ofHours(1), ADDERS);
            after = usedHeapAfterGc();
            long timers = nc.stats().timers();
            if (timers != TIMERS) {
              throw new IllegalStateException(timers + " timers pending, expected " + TIMERS);
            }
          }
          trial.record(used, after / (1024.0 * 1024));
          trial.record(growth, (after - before) / (1024.0 * 1024));

          long forkBytes = fork(trial.dir().resolve("fork"));
          trial.record(forkDone, forkBytes >= 0 ? 1 : 0);
          if (forkBytes >= 0) {
            trial.record(forkUsed, forkBytes / (1024.0 * 1024));
          }
        });
  }

  /**
   * Runs the scenario in a JVM limited to 64 MiB of heap; its used heap in bytes, or -1 if it
   * failed.
   */
  private static long fork(Path dir) throws Exception {
    Files.createDirectories(dir);
    Path output = dir.resolve("output.txt");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx64m",
            "-XX:+ExitOnOutOfMemoryError",
            "-cp",
            System.getProperty("java.class.path"),
            Benchmarks.class.getName(),
            FORK_ARG,
            dir.toString());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      if (!process.waitFor(FORK_LIMIT_SECONDS, TimeUnit.SECONDS)) {
        System.out.println(
            "[bench] heap: the -Xmx64m JVM did not finish within " + FORK_LIMIT_SECONDS + " s");
        return -1;
      }
    } finally {
      process.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(output);
    for (String line : lines) {
      if (line.startsWith(RESULT_PREFIX) && process.exitValue() == 0) {
        return Long.parseLong(line.substring(RESULT_PREFIX.length()).trim());
      }
    }
    System.out.println(
        "[bench] heap: the -Xmx64m JVM failed with exit code " + process.exitValue() + ":");
    lines.stream()
        .skip(Math.max(0, lines.size() - 20))
        .forEach(l -> System.out.println("[bench]   " + l));
    return -1;
  }

  /** The forked side: adds the timers to a database in {@code dir} and prints the used heap. */
  static void runFork(Path dir) throws Exception {
    try (NightCoral<BenchJob> nc =
        NightCoral.builder(BenchJob.class).databaseFile(dir.resolve("bench.db")).build()) {
      Workload.addTimers(nc, TIMERS, Duration.ofHours(1), ADDERS);
      System.out.println(RESULT_PREFIX + usedHeapAfterGc());
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
