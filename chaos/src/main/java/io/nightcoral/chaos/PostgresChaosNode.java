package io.nightcoral.chaos;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralBuilder;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A coordinator of scenario 5, run in a JVM of its own so that it can be {@code kill -9}ed: it
 * opens the PostgreSQL database it shares with the other coordinators, launches its children and
 * adds jobs and timers at a steady rate.
 *
 * <p>It speaks to the runner in lines on stdout: {@code READY} once its children are launched,
 * {@code ACK <key>} after each {@code add} or {@code addTimer} returned, {@code STOPPED} once it
 * stopped adding (after the runner wrote {@code STOP} to its stdin), and {@code CLOSED} after a
 * clean {@code close()} (when its stdin ends). Logs go to stderr.
 *
 * <p>Arguments: JDBC URL, results folder, name (unique per coordinator run, part of every key),
 * children, random seed, a marker added to the children's command line, how long each job takes in
 * milliseconds, adds per second, node lease timeout in seconds.
 */
public final class PostgresChaosNode {
  private static final PrintStream out =
      new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

  private PostgresChaosNode() {}

  /** Runs the coordinator; see the class description for the arguments and the output. */
  public static void main(String[] args) throws Exception {
    String url = args[0];
    String results = args[1];
    String name = args[2];
    int children = Integer.parseInt(args[3]);
    long seed = Long.parseLong(args[4]);
    String marker = args[5];
    int jobMillis = Integer.parseInt(args[6]);
    int addsPerSecond = Integer.parseInt(args[7]);
    Duration lease = Duration.ofSeconds(Long.parseLong(args[8]));

    List<String> jvmOptions = new ArrayList<>(NightCoralBuilder.DEFAULT_WORKER_JVM_OPTIONS);
    jvmOptions.add("-D" + ChaosServer.MARKER_PROPERTY + "=" + marker);
    NightCoral<ChaosJob> nc =
        NightCoral.builder(ChaosJob.class)
            .databaseUrl(url)
            .nodeLeaseTimeout(lease)
            .workerConfig(
                Map.of(ChaosHandler.RESULTS_DIR, results, ChaosHandler.JOB_MILLIS, jobMillis))
            .workerJvmOptions(jvmOptions)
            // every run's marker is new, so would be its archive: no training JVM per run
            .workerCdsArchive(null)
            .build();
    nc.launch(ChaosHandler.class, children);
    out.println("READY");
    AtomicBoolean adding = new AtomicBoolean(true);
    List<Thread> adders =
        ChaosServer.startAdders(nc, "s5-" + name, new Random(seed), addsPerSecond, adding);
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("STOP")) {
          adding.set(false);
          for (Thread adder : adders) {
            adder.join();
          }
          out.println("STOPPED");
        }
      }
    }
    adding.set(false);
    for (Thread adder : adders) {
      adder.join();
    }
    nc.close();
    out.println("CLOSED");
    System.exit(0);
  }
}
