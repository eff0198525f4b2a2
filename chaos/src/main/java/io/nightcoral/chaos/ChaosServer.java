package io.nightcoral.chaos;

import io.nightcoral.DeadJob;
import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralBuilder;
import io.nightcoral.Stats;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server of scenario 2, run in a JVM of its own so that it can be {@code kill -9}ed: it opens
 * the database, launches its children and then either feeds jobs and timers until it is killed, or
 * drains what earlier runs left and closes cleanly.
 *
 * <p>It speaks to the runner in lines on stdout: {@code READY} once its children are up, {@code ACK
 * <key>} after each {@code add} or {@code addTimer} returned (the job is durable then), and in
 * drain mode {@code DEAD <key> ...} for each dead job and {@code DRAINED} or {@code DRAIN-TIMEOUT}
 * at the end. Logs go to stderr.
 *
 * <p>Arguments: database file, results folder, {@code feed} or {@code drain}, round number,
 * children, random seed, a marker added to the children's command line, drain limit in seconds, how
 * long each job takes in milliseconds.
 */
public final class ChaosServer {
  /** Adder threads in feed mode, each with at most one add in flight. */
  static final int ADDERS = 2;

  /** Share of feed-mode adds that are timers. */
  static final double TIMER_SHARE = 0.3;

  /** Timers are due after 0 to this many milliseconds. */
  static final int MAX_TIMER_DELAY_MILLIS = 3_000;

  /** The system property, on each child's command line, that tells the runner whose child it is. */
  static final String MARKER_PROPERTY = "chaos.marker";

  private static final PrintStream out =
      new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

  private ChaosServer() {}

  /** Runs the server; see the class description for the arguments and the output. */
  public static void main(String[] args) throws Exception {
    Path database = Path.of(args[0]);
    Path results = Path.of(args[1]);
    boolean drain = args[2].equals("drain");
    int round = Integer.parseInt(args[3]);
    int children = Integer.parseInt(args[4]);
    long seed = Long.parseLong(args[5]);
    String marker = args[6];
    Duration drainLimit = Duration.ofSeconds(Long.parseLong(args[7]));
    int jobMillis = Integer.parseInt(args[8]);

    List<String> jvmOptions = new ArrayList<>(NightCoralBuilder.DEFAULT_WORKER_JVM_OPTIONS);
    jvmOptions.add("-D" + MARKER_PROPERTY + "=" + marker);
    NightCoral<ChaosJob> nc =
        NightCoral.builder(ChaosJob.class)
            .databaseFile(database)
            .workerConfig(
                Map.of(
                    ChaosHandler.RESULTS_DIR,
                    results.toString(),
                    ChaosHandler.START_RECORDS,
                    StartNotes.folderOf(database).toString(),
                    ChaosHandler.JOB_MILLIS,
                    jobMillis))
            .workerJvmOptions(jvmOptions)
            // the marker makes each round's options, so its archive, new: keep them with the run
            .workerCdsArchive(database.toAbsolutePath().resolveSibling("cds"))
            .build();
    Stats recovered = nc.stats();
    out.printf(
        "RECOVERED queued=%d timers=%d dead=%d%n",
        recovered.queued(), recovered.timers(), recovered.dead());
    nc.launch(ChaosHandler.class, children);
    out.println("READY");
    if (drain) {
      System.exit(drain(nc, drainLimit) ? 0 : 3);
    }
    feed(nc, round, new Random(seed));
  }

  /** Adds jobs and timers on {@link #ADDERS} threads until the JVM is killed. */
  private static void feed(NightCoral<ChaosJob> nc, int round, Random random)
      throws InterruptedException {
    for (Thread adder : startAdders(nc, "s2-run" + round, random, 0, new AtomicBoolean(true))) {
      adder.join();
    }
  }

  /**
   * Starts {@link #ADDERS} threads that add jobs and timers with {@link #addOne} while {@code
   * adding} holds, together {@code perSecond} a second (0: as fast as they can).
   */
  static List<Thread> startAdders(
      NightCoral<ChaosJob> nc, String prefix, Random random, int perSecond, AtomicBoolean adding) {
    AtomicLong counter = new AtomicLong();
    long periodNanos = perSecond == 0 ? 0 : TimeUnit.SECONDS.toNanos(ADDERS) / perSecond;
    List<Thread> adders = new ArrayList<>();
    for (int t = 0; t < ADDERS; t++) {
      Random mine = new Random(random.nextLong());
      Thread adder =
          new Thread(
              () -> {
                try {
                  long next = System.nanoTime();
                  while (adding.get()) {
                    addOne(nc, mine, prefix, counter.getAndIncrement(), out);
                    next += periodNanos;
                    Waits.until(next);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                  out.println("FAIL " + e);
                  e.printStackTrace();
                }
              },
              "chaos-adder-" + t);
      adder.start();
      adders.add(adder);
    }
    return adders;
  }

  /**
   * Adds job {@code n}, a timer ({@link #TIMER_SHARE} of them, due in 0 to {@link
   * #MAX_TIMER_DELAY_MILLIS}) or a plain job, keyed {@code <prefix>-timer-<n>} or {@code
   * <prefix>-job-<n>}, and prints {@code ACK <key>} to {@code out} once the add returned.
   */
  static void addOne(
      NightCoral<ChaosJob> nc, Random random, String prefix, long n, PrintStream out) {
    if (random.nextDouble() < TIMER_SHARE) {
      String key = prefix + "-timer-" + n;
      nc.addTimer(Duration.ofMillis(random.nextInt(MAX_TIMER_DELAY_MILLIS + 1)), new ChaosJob(key));
      out.println("ACK " + key);
    } else {
      String key = prefix + "-job-" + n;
      nc.add(new ChaosJob(key));
      out.println("ACK " + key);
    }
  }

  /**
   * Waits until nothing is queued, running or waiting, reports dead jobs, closes; false on timeout.
   */
  private static boolean drain(NightCoral<ChaosJob> nc, Duration limit)
      throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + limit.toNanos();
    Stats s = nc.stats();
    while (!(s.queued() == 0 && s.running() == 0 && s.timers() == 0)
        && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
      s = nc.stats();
    }
    boolean drained = s.queued() == 0 && s.running() == 0 && s.timers() == 0;
    for (DeadJob<ChaosJob> d : nc.deadJobs()) {
      out.printf(
          "DEAD %s id=%d attempts=%d error=%s%n",
          d.job().key(), d.id(), d.attempts(), WorkerKillScenario.firstLine(d.lastError()));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    nc.close();
    out.printf("%s %.1f s %s%n", drained ? "DRAINED" : "DRAIN-TIMEOUT", seconds, s);
    return drained;
  }
}
