package io.nightcoral.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * NightCoral's benchmarks with db-scheduler and JobRunr measured in the same run, on SQLite (WAL,
 * {@code synchronous=FULL}) in this JVM: the suite's table, then a "beside the peers" table and a
 * plot of burn-down and timer lateness.
 *
 * <p>System properties, besides the suite's: {@code bench.target} (the folder the plot is written
 * to, default {@code target}), {@code bench.plot} (a path, from {@code bench.root}, to copy the
 * plot to; none by default). {@code bench.only} also takes {@code peers} (the peers' scenarios) and
 * {@code beside} (every scenario the table needs).
 */
public final class PeerBenchmarks {
  private static final String PLOT_NAME = "benchmarks-peers.png";
  private static final List<Peer> PEERS = List.of(new DbSchedulerPeer(), new JobRunrPeer());

  private PeerBenchmarks() {}

  /** Runs the chosen scenarios, NightCoral's and the peers', then prints the table and plots. */
  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    // the peers log their start and stop at info, and JobRunr warns of slow filters when the
    // machine is busy; their errors still show
    quiet("org.jobrunr", "error");
    quiet("com.github.kagkarlsson", "warn");
    quiet("com.zaxxer.hikari", "warn");

    Scenario add4 = Throughput.addFromThreads("add4", PeerScenarios.ADD_THREADS, Target.none());
    List<Scenario> peers = PeerScenarios.of(PEERS);
    List<Scenario> all = new ArrayList<>(Benchmarks.SCENARIOS);
    all.add(add4);
    all.addAll(peers);
    List<Scenario> beside = new ArrayList<>();
    for (String name : List.of("sqlite", "burn", "add1", "dispatch", "timers")) {
      beside.add(
          Benchmarks.SCENARIOS.stream()
              .filter(s -> s.name().equals(name))
              .findFirst()
              .orElseThrow());
    }
    beside.add(add4);
    beside.addAll(peers);
    Map<String, List<Scenario>> groups = new LinkedHashMap<>();
    groups.put("peers", peers);
    groups.put("beside", beside);

    PEERS.forEach(p -> say("peer %s", p.settings()));

    Benchmarks.Results results = Benchmarks.run(all, groups);

    System.out.println();
    System.out.println("Beside the peers (medians; every column from this run):");
    System.out.println();
    System.out.print(BesideTable.markdown(results.samples(), PEERS));

    String caption =
        String.format(
            Locale.ROOT,
            "NightCoral beside %s on SQLite (WAL, synchronous=FULL): %s, %d CPUs, medians of %s"
                + " repetitions",
            PEERS.stream()
                .map(Peer::settings)
                .map(PeerBenchmarks::nameAndVersion)
                .collect(Collectors.joining(" and ")),
            LocalDate.now(),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("bench.reps", "3").trim());
    if (Workload.SCALE != 1) {
      caption += " (bench.scale=" + Workload.SCALE + ": a check of the harness, not figures)";
    }
    Path plot = Path.of(System.getProperty("bench.target", "target")).resolve(PLOT_NAME);
    PeerPlot.write(results.samples(), PEERS, caption, plot);
    say("plot written to %s", plot.toAbsolutePath());
    String copy = System.getProperty("bench.plot", "").trim();
    if (!copy.isEmpty()) {
      Path to = Path.of(System.getProperty("bench.root", ".")).resolve(copy);
      Files.createDirectories(to.toAbsolutePath().getParent());
      Files.copy(plot, to, StandardCopyOption.REPLACE_EXISTING);
      say("plot copied to %s", to.toAbsolutePath());
    }
    System.out.flush();
    System.exit(results.failures().isEmpty() ? 0 : 1);
  }

  /** "db-scheduler 16.12.0" from the start of a peer's settings line. */
  private static String nameAndVersion(String settings) {
    int colon = settings.indexOf(':');
    return colon < 0 ? settings : settings.substring(0, colon);
  }

  private static void quiet(String logger, String level) {
    String key = "org.slf4j.simpleLogger.log." + logger;
    if (System.getProperty(key) == null) {
      System.setProperty(key, level);
    }
  }

  private static void say(String format, Object... args) {
    System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
  }
}
