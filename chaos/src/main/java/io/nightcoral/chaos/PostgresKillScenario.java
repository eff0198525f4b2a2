package io.nightcoral.chaos;

import io.nightcoral.testpg.PgServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 5: three coordinator JVMs ({@link PostgresChaosNode}, each with its own children) share
 * one PostgreSQL database and add jobs and timers; every few seconds one of them is {@code kill
 * -9}ed and started again, and a killer {@code kill -9}s random worker children of all of them (of
 * those whose {@code launch} returned: a child killed while {@code launch} waits for it makes
 * {@code launch} throw, as documented). Then the adding stops, the survivors drain the database
 * (the jobs the last killed coordinator held come back once its lease lapsed) and close.
 *
 * <p>Checks: every acknowledged job and timer finished a run; none went dead; no worker child
 * outlived its killed coordinator by 5 s; every job that ran more than once had its earlier runs on
 * a coordinator that was killed or in a child that was killed (a run finished, but its coordinator
 * never committed that). Each coordinator run writes its results to a folder of its own, so a run
 * is traced to its coordinator and its child.
 */
final class PostgresKillScenario {
  private static final String[] NODES = {"a", "b", "c"};
  private static final int CHILDREN = 2;
  private static final long READY_LIMIT_SECONDS = 90;
  private static final long EXIT_LIMIT_SECONDS = 30;

  /** One run of a coordinator JVM. */
  private record Run(String name, ServerRun server, Path results, String marker) {}

  private final ChaosSettings settings;
  private final Path dir;
  private final Random random;
  private final String runId = Long.toString(ProcessHandle.current().pid());
  private final List<Run> runs = new ArrayList<>();
  private final Set<String> killedRuns = new HashSet<>();
  private final Set<Long> killedChildren = ConcurrentHashMap.newKeySet();
  private final List<String> problems = new ArrayList<>();
  private final Map<String, Integer> incarnations = new HashMap<>();
  // the runs whose launch returned and that are not being killed: the child killer's hunting ground
  // (launch fails when a child it starts is killed)
  private final Set<Run> launched = ConcurrentHashMap.newKeySet();
  private String url;

  PostgresKillScenario(ChaosSettings settings, Path dir) {
    this.settings = settings;
    this.dir = dir;
    this.random = new Random(settings.seed() + 5);
  }

  Outcome run() throws Exception {
    Files.createDirectories(dir);
    long started = System.nanoTime();
    url = PgServer.newDatabase();
    ChaosRunner.say(
        "s5: 3 coordinator JVMs on one PostgreSQL database, %d of them killed with kill -9 in turn,"
            + " worker children killed every %d ms",
        settings.s5Rounds(), settings.s5ChildKillEvery().toMillis());
    Map<String, Run> current = new HashMap<>();
    for (String node : NODES) {
      current.put(node, startNode(node));
    }
    for (Run run : current.values()) {
      awaitReady(run);
    }
    ScheduledExecutorService killer = startChildKiller();
    long coordinatorKills = 0;
    for (int round = 1; round <= settings.s5Rounds(); round++) {
      TimeUnit.MILLISECONDS.sleep(settings.s5KillEvery().toMillis());
      String node = NODES[(round - 1) % NODES.length];
      Run victim = current.get(node);
      launched.remove(victim);
      List<ProcessHandle> workers = victim.server().liveWorkers();
      if (victim.server().kill()) {
        coordinatorKills++;
      }
      killedRuns.add(victim.name());
      if (!victim.server().awaitExit(EXIT_LIMIT_SECONDS)) {
        problems.add(victim.name() + ": the killed coordinator did not exit");
      }
      int survivors = ServerKillScenario.awaitOrphansGone(workers, victim.marker());
      if (survivors > 0) {
        problems.add(
            victim.name()
                + ": "
                + survivors
                + " worker children outlived the killed coordinator by "
                + ServerKillScenario.ORPHAN_LIMIT_MILLIS
                + " ms");
      }
      Run next = startNode(node);
      current.put(node, next);
      ChaosRunner.say(
          "s5: round %d: killed %s (%d children, %d acks), %d children outlived it; started %s",
          round,
          victim.name(),
          workers.size(),
          victim.server().acks().size(),
          survivors,
          next.name());
      awaitReady(next);
    }
    TimeUnit.MILLISECONDS.sleep(settings.s5KillEvery().toMillis());
    launched.clear();
    killer.shutdown();
    if (!killer.awaitTermination(10, TimeUnit.SECONDS)) {
      killer.shutdownNow();
    }
    for (Run run : current.values()) {
      run.server().send("STOP");
    }
    for (Run run : current.values()) {
      if (!run.server().awaitLine("STOPPED", EXIT_LIMIT_SECONDS)) {
        problems.add(run.name() + ": did not stop adding");
      }
    }
    long draining = System.nanoTime();
    long left = awaitDrained();
    double drainSeconds = Waits.seconds(draining);
    if (left > 0) {
      problems.add(left + " jobs still in the database " + drainSeconds + " s after the adding");
    }
    ChaosRunner.say("s5: the database drained in %.1f s", drainSeconds);
    for (Run run : current.values()) {
      run.server().closeInput();
    }
    for (Run run : current.values()) {
      if (!run.server().awaitExit(EXIT_LIMIT_SECONDS) || !run.server().awaitLine("CLOSED", 1)) {
        problems.add(run.name() + ": did not close cleanly: " + run.server().otherLines());
        run.server().kill();
      }
    }
    long dead = PgServer.queryNumber(url, "SELECT count(*) FROM nightcoral_dead_jobs");
    double seconds = Waits.seconds(started);
    return check(coordinatorKills, dead, drainSeconds, seconds);
  }

  private Outcome check(long coordinatorKills, long dead, double drainSeconds, double seconds)
      throws Exception {
    Set<String> acked = new HashSet<>();
    Map<String, List<String>> ranIn = new HashMap<>(); // key -> "run/pid" of each finished run
    long starts = 0;
    long finished = 0;
    for (Run run : runs) {
      acked.addAll(run.server().acks());
      for (String line : run.server().otherLines()) {
        if (line.startsWith("FAIL")) {
          problems.add(run.name() + ": " + line);
        }
      }
      RanJobs ran = RanJobs.read(run.results());
      if (ran.tornLines() > 0 || ran.malformed() > 0) {
        problems.add(run.name() + ": torn or malformed lines in the result files");
      }
      starts += ran.starts();
      finished += ran.finished();
      for (String key : ran.keys()) {
        for (String file : ran.filesOf(key)) {
          ranIn
              .computeIfAbsent(key, k -> new ArrayList<>())
              .add(run.name() + "/" + RanJobs.pidOf(file));
        }
      }
    }
    List<String> lost = acked.stream().filter(k -> !ranIn.containsKey(k)).sorted().toList();
    List<String> unacked = ranIn.keySet().stream().filter(k -> !acked.contains(k)).toList();
    long ackedTimers = acked.stream().filter(k -> k.contains("-timer-")).count();
    long duplicates = 0;
    long byCoordinator = 0;
    long byChild = 0;
    List<String> unexplained = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : ranIn.entrySet()) {
      int extra = e.getValue().size() - 1;
      if (extra <= 0) {
        continue;
      }
      duplicates += extra;
      long onKilledCoordinator = 0;
      long inKilledChild = 0;
      for (String where : e.getValue()) {
        int slash = where.indexOf('/');
        if (killedRuns.contains(where.substring(0, slash))) {
          onKilledCoordinator++;
        } else if (killedChildren.contains(Long.parseLong(where.substring(slash + 1)))) {
          inKilledChild++;
        }
      }
      byCoordinator += Math.min(extra, onKilledCoordinator);
      byChild += Math.min(extra - Math.min(extra, onKilledCoordinator), inKilledChild);
      if (onKilledCoordinator + inKilledChild < extra) {
        unexplained.add(e.getKey() + " " + e.getValue());
      }
    }
    if (!unexplained.isEmpty()) {
      problems.add(
          unexplained.size()
              + " jobs ran again although no run of theirs was on a killed coordinator or child");
    }
    ChaosRunner.say(
        "s5: %d acked (%d jobs, %d timers) through %d coordinator runs; %d keys ran; %d lost;"
            + " %d dead",
        acked.size(),
        acked.size() - ackedTimers,
        ackedTimers,
        runs.size(),
        ranIn.size(),
        lost.size(),
        dead);
    ChaosRunner.say(
        "s5: %d extra runs: %d of jobs that finished on a killed coordinator, %d in a killed"
            + " child, %d unexplained; %d handler starts, %d finished",
        duplicates, byCoordinator, byChild, unexplained.size(), starts, finished);
    ChaosRunner.reportSome("s5: lost", lost);
    ChaosRunner.reportSome("s5: ran again, unexplained", unexplained);
    ChaosRunner.reportSome("s5: ran, never acked", unacked);
    List<String> figures = new ArrayList<>();
    figures.add(
        String.format(
            "%d coordinator kills, %d child kills; %d jobs and %d timers acked; %d extra runs (%d"
                + " finished on a killed coordinator, %d in a killed child, %d unexplained);"
                + " drained %.1f s after the adding stopped",
            coordinatorKills,
            killedChildren.size(),
            acked.size() - ackedTimers,
            ackedTimers,
            duplicates,
            byCoordinator,
            byChild,
            unexplained.size(),
            drainSeconds));
    return new Outcome(
        "5: postgres kills",
        acked.size(),
        ranIn.size(),
        lost.size(),
        duplicates,
        unacked.size(),
        dead,
        0,
        0,
        coordinatorKills + killedChildren.size(),
        seconds,
        problems,
        figures);
  }

  private Run startNode(String node) throws Exception {
    int incarnation = incarnations.merge(node, 1, Integer::sum);
    String name = node + incarnation;
    String marker = "chaos-" + runId + "-s5-" + name;
    Path results = dir.resolve("ran-" + name);
    ServerRun server =
        ServerRun.start(
            PostgresChaosNode.class,
            List.of(
                url,
                results.toString(),
                name,
                Integer.toString(CHILDREN),
                Long.toString(random.nextLong()),
                marker,
                Integer.toString(settings.s5JobMillis()),
                Integer.toString(settings.s5AddsPerSecond()),
                Long.toString(settings.s5Lease().toSeconds())),
            dir.resolve("node-" + name + ".log"));
    Run run = new Run(name, server, results, marker);
    runs.add(run);
    return run;
  }

  private void awaitReady(Run run) throws Exception {
    if (!run.server().awaitReady(READY_LIMIT_SECONDS)) {
      throw new IllegalStateException(
          run.name() + " did not report READY: " + run.server().otherLines());
    }
    launched.add(run);
  }

  /** Every period, {@code kill -9}s one live worker child of any coordinator. */
  private ScheduledExecutorService startChildKiller() {
    ScheduledExecutorService killer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "chaos-s5-killer");
              t.setDaemon(true);
              return t;
            });
    Random mine = new Random(random.nextLong());
    long period = settings.s5ChildKillEvery().toMillis();
    killer.scheduleAtFixedRate(
        () -> {
          try {
            List<ProcessHandle> workers =
                launched.stream().flatMap(r -> r.server().liveWorkers().stream()).toList();
            if (!workers.isEmpty()) {
              ProcessHandle victim = workers.get(mine.nextInt(workers.size()));
              killedChildren.add(victim.pid()); // before the kill: a run it finished counts
              victim.destroyForcibly();
            }
          } catch (Throwable t) {
            System.err.println("[chaos] the s5 killer failed a tick: " + t);
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
    return killer;
  }

  /** Waits until no job is left in the database; returns how many are left. */
  private long awaitDrained() throws Exception {
    long deadline = System.nanoTime() + settings.s5DrainLimit().toNanos();
    long left = PgServer.queryNumber(url, "SELECT count(*) FROM nightcoral_jobs");
    while (left > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(200);
      left = PgServer.queryNumber(url, "SELECT count(*) FROM nightcoral_jobs");
    }
    return left;
  }
}
