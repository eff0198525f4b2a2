package io.nightcoral.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the chaos scenarios and checks that no acknowledged job is lost: {@code kill -9} of worker
 * children under load (scenario 1), {@code kill -9} of the server itself, round after round
 * (scenario 2), a disk that fills up mid-run (scenario 3), a wall clock that steps back and forward
 * (scenario 4), and {@code kill -9} of coordinators and children of three coordinators on one
 * PostgreSQL database (scenario 5). Prints a summary table and exits with 1 if a job was lost or
 * another check failed.
 *
 * <p>Argument: a folder for databases, result files and logs (emptied first). Sizes come from
 * {@code chaos.*} system properties; see {@link ChaosSettings}.
 */
public final class ChaosRunner {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final int SHOW_AT_MOST = 10;

  private ChaosRunner() {}

  /** Runs the scenarios named by {@code chaos.scenarios} in the folder {@code args[0]}. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/chaos").toAbsolutePath();
    TmpfsDisk.unmountUnder(dir);
    deleteTree(dir);
    Files.createDirectories(dir);
    // set before the first logger is made: the coordinator's warnings (one per killed child) go to
    // a file
    System.setProperty("org.slf4j.simpleLogger.logFile", dir.resolve("runner.log").toString());
    ChaosSettings settings = ChaosSettings.fromSystemProperties();
    say("settings: %s", settings);
    say(
        "java %s on %d cores; results in %s",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), dir);

    List<Outcome> outcomes = new ArrayList<>();
    for (int scenario : settings.scenarios()) {
      outcomes.add(run(scenario, settings, dir));
    }
    boolean failed = printSummary(outcomes);
    System.exit(failed ? 1 : 0);
  }

  /** Runs one scenario; one that throws is reported as failed, and the others still run. */
  private static Outcome run(int scenario, ChaosSettings settings, Path dir) {
    try {
      return switch (scenario) {
        case 1 -> new WorkerKillScenario(settings, dir.resolve("s1")).run();
        case 2 -> new ServerKillScenario(settings, dir.resolve("s2")).run();
        case 3 -> new DiskFullScenario(settings, dir.resolve("s3")).run();
        case 4 -> new ClockStepScenario(settings, dir.resolve("s4")).run();
        case 5 -> new PostgresKillScenario(settings, dir.resolve("s5")).run();
        default -> throw new IllegalArgumentException("no scenario " + scenario);
      };
    } catch (Exception e) {
      e.printStackTrace();
      return new Outcome(
          scenario + ": threw",
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          List.of("the scenario threw " + e),
          List.of());
    }
  }

  private static boolean printSummary(List<Outcome> outcomes) {
    String format = "%-20s %7s %7s %5s %10s %8s %5s %10s %8s %6s %8s%n";
    System.out.println();
    System.out.printf(
        format,
        "scenario",
        "acked",
        "ran",
        "lost",
        "duplicates",
        "unacked",
        "dead",
        "bad charge",
        "refused",
        "kills",
        "seconds");
    boolean failed = false;
    for (Outcome o : outcomes) {
      System.out.printf(
          format,
          o.scenario(),
          o.acked(),
          o.ran(),
          o.lost(),
          o.duplicates(),
          o.ranUnacked(),
          o.dead(),
          o.badCharges(),
          o.refused(),
          o.kills(),
          String.format("%.1f", o.seconds()));
      failed |= o.failed();
    }
    System.out.println();
    for (Outcome o : outcomes) {
      for (String figure : o.figures()) {
        System.out.println("scenario " + o.scenario() + ": " + figure);
      }
    }
    for (Outcome o : outcomes) {
      for (String problem : o.problems()) {
        System.out.println("PROBLEM in scenario " + o.scenario() + ": " + problem);
      }
    }
    System.out.println(
        failed ? "CHAOS RUN FAILED" : "CHAOS RUN PASSED: no acknowledged job was lost");
    return failed;
  }

  /** Prints up to a few of {@code keys} after {@code label}, if there are any. */
  static void reportSome(String label, List<String> keys) {
    if (!keys.isEmpty()) {
      say(
          "%s (%d): %s%s",
          label,
          keys.size(),
          keys.subList(0, Math.min(SHOW_AT_MOST, keys.size())),
          keys.size() > SHOW_AT_MOST ? " ..." : "");
    }
  }

  static void say(String format, Object... args) {
    System.out.printf(
        "[chaos %s] %s%n", LocalTime.now().format(CLOCK), String.format(format, args));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
