package io.nightcoral.chaos;

import io.nightcoral.NightCoralBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Scenario 2: a server JVM is {@code kill -9}ed again and again while it adds jobs and timers, then
 * a last run drains the database; every acknowledged job and timer must have run, and no job may
 * have been charged an attempt that never started (with the default {@code maxAttempts} of 3, such
 * charges would bury jobs that never ran).
 *
 * <p>Each round starts a {@link ChaosServer} on the same database with 2 to 4 children; once they
 * are up it kills the server after 0.5 to 3 s, waits for it to exit, checks that none of its
 * children outlives it (they must halt when their stdin closes), and reads the children's start
 * records before the next server charges and clears them.
 */
final class ServerKillScenario {
  private static final long READY_LIMIT_SECONDS = 60;
  private static final long EXIT_LIMIT_SECONDS = 30;
  static final long ORPHAN_LIMIT_MILLIS = 5_000;
  private static final long TRAINER_LIMIT_SECONDS = 70; // the server gives training 60 s
  private static final int MIN_CHILDREN = 2;
  private static final int MAX_CHILDREN = 4;
  private static final int DRAIN_CHILDREN = 4;
  private static final int MIN_UP_MILLIS = 500;
  private static final int MAX_UP_MILLIS = 3_000;
  private static final Pattern DEAD_LINE =
      Pattern.compile("DEAD (\\S+) id=(\\d+) attempts=(\\d+) .*");

  private final ChaosSettings settings;
  private final Path dir;
  private final Random random;
  private final String runId = Long.toString(ProcessHandle.current().pid());

  ServerKillScenario(ChaosSettings settings, Path dir) {
    this.settings = settings;
    this.dir = dir;
    this.random = new Random(settings.seed() + 2);
  }

  Outcome run() throws Exception {
    Files.createDirectories(dir);
    Path database = dir.resolve("s2.db");
    Path results = dir.resolve("ran");
    Path starts = StartNotes.folderOf(database);
    List<StartNotes.Note> notes = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<String> acked = new HashSet<>();
    long kills = 0;
    int trainerRounds = 0;
    double trainerMax = 0;
    long started = System.nanoTime();
    ChaosRunner.say(
        "s2: %d rounds of a server JVM killed with kill -9 while it adds jobs and timers",
        settings.s2Rounds());

    for (int round = 1; round <= settings.s2Rounds(); round++) {
      int children = MIN_CHILDREN + random.nextInt(MAX_CHILDREN - MIN_CHILDREN + 1);
      String marker = "chaos-" + runId + "-round-" + round;
      ServerRun server =
          ServerRun.start(
              args(database, results, "feed", round, children, marker),
              dir.resolve("server-" + round + ".log"));
      if (!server.awaitReady(READY_LIMIT_SECONDS)) {
        problems.add(
            "round "
                + round
                + ": the server did not report READY within "
                + READY_LIMIT_SECONDS
                + " s: "
                + server.otherLines());
        server.kill();
        server.awaitExit(EXIT_LIMIT_SECONDS);
        continue;
      }
      int upMillis = MIN_UP_MILLIS + random.nextInt(MAX_UP_MILLIS - MIN_UP_MILLIS + 1);
      TimeUnit.MILLISECONDS.sleep(upMillis);
      List<ProcessHandle> workers = server.liveWorkers();
      if (server.kill()) {
        kills++;
      }
      if (!server.awaitExit(EXIT_LIMIT_SECONDS)) {
        problems.add(
            "round "
                + round
                + ": the killed server did not exit within "
                + EXIT_LIMIT_SECONDS
                + " s");
      }
      long serverGone = System.nanoTime();
      List<String> acks = server.acks();
      acked.addAll(acks);
      int survivors = awaitOrphansGone(workers, marker);
      double trainerSeconds = awaitTrainerGone(marker, round, serverGone, problems);
      if (trainerSeconds > 0) {
        trainerRounds++;
        trainerMax = Math.max(trainerMax, trainerSeconds);
      }
      // what the children had started when they died, before the next server charges and clears it
      notes.addAll(StartNotes.readAll(starts));
      if (survivors > 0) {
        problems.add(
            "round "
                + round
                + ": "
                + survivors
                + " worker children outlived the killed server by "
                + ORPHAN_LIMIT_MILLIS
                + " ms");
      }
      for (String line : server.otherLines()) {
        if (line.startsWith("FAIL")) {
          problems.add("round " + round + ": " + line);
        }
      }
      ChaosRunner.say(
          "s2: round %2d: %d children, killed %4d ms after READY; %5d acks; %s; %d children"
              + " outlived it%s",
          round,
          workers.size(),
          upMillis,
          acks.size(),
          server.otherLines().stream()
              .filter(l -> l.startsWith("RECOVERED"))
              .findFirst()
              .orElse("?"),
          survivors,
          trainerSeconds > 0
              ? String.format("; its class-data training JVM outlived it by %.1f s", trainerSeconds)
              : "");
    }

    ChaosRunner.say(
        "s2: drain round: a server that adds nothing, waits for the queue to empty and closes");
    ServerRun drain =
        ServerRun.start(
            args(
                database,
                results,
                "drain",
                settings.s2Rounds() + 1,
                DRAIN_CHILDREN,
                "chaos-" + runId + "-drain"),
            dir.resolve("server-drain.log"));
    Map<Long, Integer> deadAttempts = new HashMap<>();
    Map<Long, String> deadKeys = new HashMap<>();
    if (!drain.awaitExit(
        READY_LIMIT_SECONDS + settings.s2DrainLimit().toSeconds() + EXIT_LIMIT_SECONDS)) {
      problems.add("the drain server did not finish; killed it");
      drain.kill();
      drain.awaitExit(EXIT_LIMIT_SECONDS);
    } else if (drain.exitCode() != 0) {
      problems.add("the drain server exited with " + drain.exitCode() + ": " + drain.otherLines());
    }
    for (String line : drain.otherLines()) {
      ChaosRunner.say("s2: drain: %s", line);
      Matcher m = DEAD_LINE.matcher(line);
      if (m.matches()) {
        deadKeys.put(Long.parseLong(m.group(2)), m.group(1));
        deadAttempts.put(Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)));
      } else if (line.startsWith("DEAD ")) {
        problems.add("cannot read the drain server's line: " + line);
      }
    }
    double seconds = WorkerKillScenario.seconds(started);

    RanJobs ran = RanJobs.read(results);
    List<String> lost = acked.stream().filter(k -> ran.runs(k) == 0).sorted().toList();
    List<String> unacked = ran.keys().stream().filter(k -> !acked.contains(k)).sorted().toList();
    long ackedTimers = acked.stream().filter(ServerKillScenario::isTimer).count();
    problems.addAll(ran.fileProblems());
    Charges charges = Charges.check(ran, notes, deadAttempts, deadKeys);
    int errors = countLogLines("ERROR");
    if (errors > 0) {
      ChaosRunner.say("s2: %d ERROR lines in the server logs under %s", errors, dir);
    }
    ChaosRunner.say(
        "s2: %d acked (%d jobs, %d timers); %d keys ran (%d result files); %d lost; %d dead",
        acked.size(),
        acked.size() - ackedTimers,
        ackedTimers,
        ran.keys().size(),
        ran.files(),
        lost.size(),
        deadAttempts.size());
    ChaosRunner.say(
        "s2: %d keys ran more than once (%d extra runs); %d handler starts, %d cut short; %d starts"
            + " noted in the records of killed servers' children",
        ran.keysRunTwiceOrMore(), ran.duplicates(), ran.starts(), ran.interrupted(), notes.size());
    ChaosRunner.say(
        "s2: %d jobs charged an attempt that never started (maxAttempts %d: such a job could go"
            + " dead without having run)",
        charges.jobs(), NightCoralBuilder.DEFAULT_MAX_ATTEMPTS);
    ChaosRunner.say(
        "s2: %d ran but were never acked (%d jobs, %d timers): added, then killed before the ACK"
            + " line was written",
        unacked.size(),
        unacked.stream().filter(k -> !isTimer(k)).count(),
        unacked.stream().filter(ServerKillScenario::isTimer).count());
    ChaosRunner.reportSome("s2: ran, never acked", unacked);
    ChaosRunner.reportSome("s2: lost", lost);
    ChaosRunner.reportSome("s2: charged without a start", charges.unstarted());
    List<String> figures = new ArrayList<>();
    figures.add(
        String.format(
            "%d server kills; %d jobs and %d timers acked; %d runs cut short; %d extra runs;"
                + " %d wrongly charged",
            kills,
            acked.size() - ackedTimers,
            ackedTimers,
            ran.interrupted(),
            ran.duplicates(),
            charges.jobs()));
    if (trainerRounds > 0) {
      String note =
          String.format(
              "NOTE: in %d rounds the class-data training JVM outlived its killed server, by at"
                  + " most %.1f s (it ends by itself; no worker child outlived a server)",
              trainerRounds, trainerMax);
      ChaosRunner.say("s2: %s", note);
      figures.add(note);
    }
    return new Outcome(
        "2: kill -9 server",
        acked.size(),
        ran.keys().size(),
        lost.size(),
        ran.duplicates(),
        unacked.size(),
        deadAttempts.size(),
        charges.jobs(),
        0,
        kills,
        seconds,
        problems,
        figures);
  }

  private List<String> args(
      Path database, Path results, String mode, int round, int children, String marker) {
    return List.of(
        database.toString(),
        results.toString(),
        mode,
        Integer.toString(round),
        Integer.toString(children),
        Long.toString(random.nextLong()),
        marker,
        Long.toString(settings.s2DrainLimit().toSeconds()),
        Integer.toString(settings.s2JobMillis()));
  }

  private static boolean isTimer(String key) {
    return key.contains("-timer-");
  }

  /**
   * Waits until the killed server's children have exited: those seen before the kill, and any
   * process whose command line carries the round's marker. Returns how many were still alive after
   * {@link #ORPHAN_LIMIT_MILLIS}, after killing them.
   */
  static int awaitOrphansGone(List<ProcessHandle> seen, String marker) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ORPHAN_LIMIT_MILLIS);
    List<ProcessHandle> alive = alive(seen, marker);
    while (!alive.isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
      alive = alive(seen, marker);
    }
    alive.forEach(ProcessHandle::destroyForcibly);
    return alive.size();
  }

  private static List<ProcessHandle> alive(List<ProcessHandle> seen, String marker) {
    Set<ProcessHandle> alive = new HashSet<>();
    seen.stream().filter(ProcessHandle::isAlive).forEach(alive::add);
    marked(marker).filter(ChildKiller::isWorker).forEach(alive::add);
    return new ArrayList<>(alive);
  }

  /** Live processes whose command line carries {@code marker}. */
  private static Stream<ProcessHandle> marked(String marker) {
    String tag = "-D" + ChaosServer.MARKER_PROPERTY + "=" + marker + " ";
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains(tag)).orElse(false));
  }

  /**
   * Waits for the class-data training JVM of the killed server, if one is running: it is not a
   * worker child (it reads no stdin and runs no handler) and ends when its short training run does.
   * Returns how many seconds it outlived the server, which exited at {@code serverGone} (0 if there
   * was none); one still alive {@link #TRAINER_LIMIT_SECONDS} after that is killed and is a
   * problem.
   */
  private static double awaitTrainerGone(
      String marker, int round, long serverGone, List<String> problems)
      throws InterruptedException {
    long deadline = serverGone + TimeUnit.SECONDS.toNanos(TRAINER_LIMIT_SECONDS);
    List<ProcessHandle> trainers = marked(marker).filter(ServerKillScenario::isTrainer).toList();
    if (trainers.isEmpty()) {
      return 0;
    }
    while (trainers.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    List<ProcessHandle> left = trainers.stream().filter(ProcessHandle::isAlive).toList();
    if (!left.isEmpty()) {
      left.forEach(ProcessHandle::destroyForcibly);
      problems.add(
          "round "
              + round
              + ": the class-data training JVM was still alive "
              + TRAINER_LIMIT_SECONDS
              + " s after its server was killed");
    }
    return (System.nanoTime() - serverGone) / 1e9;
  }

  private static boolean isTrainer(ProcessHandle p) {
    return p.info()
        .commandLine()
        .map(c -> c.contains(ChildKiller.WORKER_MAIN) && c.endsWith("--train"))
        .orElse(false);
  }

  private int countLogLines(String level) throws IOException {
    int count = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path log : (Iterable<Path>) files::iterator) {
        if (log.getFileName().toString().endsWith(".log")) {
          try (Stream<String> lines = Files.lines(log)) {
            count += (int) lines.filter(l -> l.contains(" " + level + " ")).count();
          }
        }
      }
    }
    return count;
  }
}
