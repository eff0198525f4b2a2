package io.nightcoral.bench;

import io.nightcoral.NightCoralBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs NightCoral's performance scenarios and prints, for each metric, the median, min and max over
 * the repetitions next to its target.
 *
 * <p>System properties: {@code bench.only} (comma-separated scenario names, default {@code all}),
 * {@code bench.reps} (repetitions of each scenario, default 3), {@code bench.quiet} (the CPU idle
 * share to wait for before each repetition, default 0.85; 0 waits for nothing), {@code
 * bench.quietWait} (the longest that wait, in seconds, default 60) and {@code bench.scale} (a
 * factor on the job and sample counts, default 1; smaller only to check the harness quickly). Each
 * repetition runs on a new database in a new temp folder, deleted afterwards. The repetitions are
 * interleaved (every scenario once, then every scenario again), so a burst of load on the machine
 * is spread over scenarios rather than landing on all repetitions of one.
 */
public final class Benchmarks {
  /** The bare-SQLite reference, which the ratio rows of the same repetition divide by. */
  static final Scenario REFERENCE = Reference.sqlite();

  /** Every scenario of the suite, in the order they run; the reference first. */
  static final List<Scenario> SCENARIOS =
      List.of(
          REFERENCE,
          Throughput.burn("burn", "FULL"),
          Throughput.burn("burn-NORMAL", "NORMAL"),
          Throughput.add1(),
          Throughput.add8(),
          Throughput.addAll(),
          Latency.query(),
          Latency.dispatch(),
          Latency.timers(),
          Children.respawn("respawn", NightCoralBuilder.DEFAULT_WARM_SPARES),
          Children.respawn("respawn-cold", 0),
          Children.rss(),
          Heap.heap(),
          Idle.idle());

  private static final Metric IDLE_BEFORE =
      new Metric("machine: CPU idle before a repetition", "%", Target.none());
  private static final Metric FSYNC_BEFORE =
      new Metric("machine: fsync p50 before a repetition", "us", Target.none());
  private static final Metric FSYNC_P99_BEFORE =
      new Metric("machine: fsync p99 before a repetition", "us", Target.none());
  private static final Metric WAKE_BEFORE =
      new Metric("machine: thread wake-up p50 before a repetition", "us", Target.none());
  private static final Metric WAKE_P99_BEFORE =
      new Metric("machine: thread wake-up p99 before a repetition", "us", Target.none());

  private Benchmarks() {}

  /**
   * Runs the scenarios chosen by {@code bench.only}, {@code bench.reps} times each, and prints the
   * table.
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals(Heap.FORK_ARG)) {
      Heap.runFork(Path.of(args[1]));
      return;
    }
    Results results = run(SCENARIOS, Map.of("postgres", Postgres.SCENARIOS));
    System.exit(results.failures().isEmpty() ? 0 : 1);
  }

  /** The samples of every chosen metric, and the repetitions that failed. */
  record Results(Map<Metric, List<Double>> samples, List<String> failures) {}

  /**
   * Runs a scenario's warm-up in a folder of its own, before the quiet wait of its first
   * repetition, so that what the warm-up leaves behind (compilation, the disk writing its files
   * back) is over when the first repetition starts.
   */
  private static void warmUp(Scenario s) throws Exception {
    Path dir = Files.createTempDirectory("nightcoral-bench-" + s.name() + "-warm-up-");
    long start = System.nanoTime();
    try {
      s.warmUp().run(new Trial(dir));
    } finally {
      deleteRecursively(dir);
    }
    say("%s warm-up done in %.1f s (not measured)", s.name(), (System.nanoTime() - start) / 1e9);
  }

  /**
   * Runs the scenarios of {@code all} chosen by {@code bench.only} (a name, or a key of {@code
   * groups}), {@code bench.reps} times each, prints the table and any failures, and returns them.
   */
  static Results run(List<Scenario> all, Map<String, List<Scenario>> groups) throws Exception {
    int reps = Integer.parseInt(System.getProperty("bench.reps", "3").trim());
    if (reps < 1) {
      throw new IllegalArgumentException("bench.reps must be at least 1, was " + reps);
    }
    List<Scenario> chosen = choose(all, groups, System.getProperty("bench.only", "all"));
    double quiet = Double.parseDouble(System.getProperty("bench.quiet", "0.85").trim());
    long quietWait = Long.parseLong(System.getProperty("bench.quietWait", "60").trim());

    if (Workload.SCALE != 1) {
      say(
          "bench.scale=%s: job and sample counts scaled, for a check of the harness",
          Workload.SCALE);
    }
    say(
        "java %s (%s), %d CPUs, max heap %d MiB; %d repetitions of: %s",
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        reps,
        chosen.stream().map(Scenario::name).collect(Collectors.joining(", ")));
    say(
        "before each repetition: wait up to %d s for the CPUs to be %.0f%% idle over 1 s, then time 200 fsyncs",
        quietWait, quiet * 100);
    for (Scenario s : chosen) {
      say("  %-12s %s", s.name(), s.description());
    }

    Map<Metric, List<Double>> samples = new LinkedHashMap<>();
    chosen.forEach(s -> s.metrics().forEach(m -> samples.put(m, new ArrayList<>())));
    samples.put(IDLE_BEFORE, new ArrayList<>());
    samples.put(FSYNC_BEFORE, new ArrayList<>());
    samples.put(FSYNC_P99_BEFORE, new ArrayList<>());
    samples.put(WAKE_BEFORE, new ArrayList<>());
    samples.put(WAKE_P99_BEFORE, new ArrayList<>());
    Map<Metric, Double> latest = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    AtomicBoolean printed = new AtomicBoolean();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (printed.compareAndSet(false, true)) {
                    try {
                      System.out.println();
                      System.out.println("[bench] stopped before the end; the results so far:");
                      synchronized (samples) {
                        System.out.print(table(samples));
                      }
                    } catch (RuntimeException e) {
                      System.out.println("[bench] cannot print the results so far: " + e);
                    }
                  }
                },
                "bench-results-at-exit"));
    for (int rep = 1; rep <= reps; rep++) {
      for (Scenario s : chosen) {
        if (rep == 1 && s.warmUp() != null) {
          warmUp(s);
        }
        Path dir = Files.createTempDirectory("nightcoral-bench-" + s.name() + "-");
        Trial trial = new Trial(dir, latest);
        double idle = Machine.awaitQuiet(quiet, quietWait);
        double[] fsync = Machine.fsyncMicros(dir);
        double[] wake = Machine.wakeMicros();
        synchronized (samples) {
          samples.get(IDLE_BEFORE).add(idle * 100);
          samples.get(FSYNC_BEFORE).add(fsync[0]);
          samples.get(FSYNC_P99_BEFORE).add(fsync[1]);
          samples.get(WAKE_BEFORE).add(wake[0]);
          samples.get(WAKE_P99_BEFORE).add(wake[1]);
        }
        long start = System.nanoTime();
        try {
          s.body().run(trial);
        } catch (Exception e) {
          failures.add(s.name() + " (repetition " + rep + "): " + e);
          say("%s repetition %d FAILED: %s", s.name(), rep, e);
          e.printStackTrace(System.out);
        } finally {
          deleteRecursively(dir);
        }
        synchronized (samples) {
          trial.samples().forEach((m, v) -> samples.get(m).addAll(v));
        }
        trial.samples().forEach((m, v) -> latest.put(m, v.get(v.size() - 1)));
        say(
            "%s %d/%d done in %.1f s (CPUs %.0f%% idle before, fsync p50 %.0f us, p99 %.0f us,"
                + " wake-up p50 %.0f us): %s",
            s.name(),
            rep,
            reps,
            (System.nanoTime() - start) / 1e9,
            idle * 100,
            fsync[0],
            fsync[1],
            wake[0],
            trial.samples().entrySet().stream()
                .map(
                    e ->
                        e.getKey().name()
                            + " "
                            + e.getValue().stream()
                                .map(e.getKey()::format)
                                .collect(Collectors.joining("/")))
                .collect(Collectors.joining(", ")));
      }
    }

    if (printed.compareAndSet(false, true)) {
      System.out.println();
      System.out.print(table(samples));
    }
    if (!failures.isEmpty()) {
      System.out.println();
      failures.forEach(f -> System.out.println("FAILED: " + f));
    }
    System.out.flush();
    return new Results(samples, failures);
  }

  private static List<Scenario> choose(
      List<Scenario> all, Map<String, List<Scenario>> groups, String only) {
    if (only.isBlank() || only.trim().equalsIgnoreCase("all")) {
      return all;
    }
    List<Scenario> chosen = new ArrayList<>();
    for (String name : only.split(",")) {
      List<Scenario> found =
          groups.entrySet().stream()
              .filter(g -> g.getKey().equalsIgnoreCase(name.trim()))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElseGet(
                  () ->
                      List.of(
                          all.stream()
                              .filter(s -> s.name().equalsIgnoreCase(name.trim()))
                              .findFirst()
                              .orElseThrow(
                                  () ->
                                      new IllegalArgumentException(
                                          "bench.only: no scenario "
                                              + name.trim()
                                              + "; there are "
                                              + Stream.concat(
                                                      groups.keySet().stream(),
                                                      all.stream().map(Scenario::name))
                                                  .collect(Collectors.joining(", "))))));
      for (Scenario s : found) {
        if (!chosen.contains(s)) {
          chosen.add(s);
        }
      }
    }
    if (chosen.stream().anyMatch(Scenario::usesReference) && !chosen.contains(REFERENCE)) {
      chosen.add(0, REFERENCE); // ratios need the reference of their own repetition
    }
    return chosen;
  }

  /** The results as a Markdown table: a row per metric. */
  static String table(Map<Metric, List<Double>> samples) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"scenario", "unit", "median", "min", "max", "n", "target", "met"});
    samples.forEach(
        (m, values) -> {
          double median = Samples.median(values);
          String met =
              values.isEmpty()
                  ? "n/a"
                  : m.target().isNone() ? "" : m.target().isMetBy(values) ? "yes" : "NO";
          rows.add(
              new String[] {
                m.name(),
                m.unit(),
                m.format(median),
                m.format(Samples.min(values)),
                m.format(Samples.max(values)),
                Integer.toString(values.size()),
                m.formatTarget(),
                met
              });
        });
    int[] width = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      String[] row = rows.get(r);
      out.append('|');
      for (int i = 0; i < row.length; i++) {
        boolean number = i >= 2 && i <= 5;
        String cell = number ? pad(row[i], width[i], true) : pad(row[i], width[i], false);
        out.append(' ').append(cell).append(" |");
      }
      out.append('\n');
      if (r == 0) {
        out.append('|');
        for (int i = 0; i < row.length; i++) {
          boolean number = i >= 2 && i <= 5;
          out.append(number ? "-".repeat(width[i] + 1) + ":|" : "-".repeat(width[i] + 2) + "|");
        }
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static String pad(String s, int width, boolean right) {
    String spaces = " ".repeat(width - s.length());
    return right ? spaces + s : s + spaces;
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      say("could not delete %s: %s", dir, e);
    }
  }

  private static void say(String format, Object... args) {
    System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
  }
}
