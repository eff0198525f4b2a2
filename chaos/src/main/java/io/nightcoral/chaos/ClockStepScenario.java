package io.nightcoral.chaos;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 4: NightCoral runs on a wall clock ({@link SteppedClock}) that steps back by {@code
 * chaos.s4.stepSeconds} and, {@code chaos.s4.holdSeconds} later, forward by as much (back to the
 * true time), twice, while timers with delays of 0.1 to 5 s and plain jobs are added. In the first
 * cycle adds flow throughout; in the second the runner adds nothing from the middle of the hold
 * until {@link #QUIET} after the forward step, so that nothing but the queue's own sleep limit
 * makes it read the clock again.
 *
 * <p>The rule under test: the queue's clock is the wall clock made monotone. It never goes back, so
 * after a backward step it holds still and timers wait until the wall clock catches up: they are
 * late by at most how long the clock was held back, and a timer never fires before its delay has
 * passed on the monotonic clock because of a backward step. A forward step brings due times forward
 * with it, as in any wall-clock scheduler: a timer stamped while the clock was held back may fire
 * before its delay has passed, by at most how long the clock had been held when it was stamped. The
 * queue sleeps at most 10 s at a time, so it notices a step within 10 s even when nothing wakes it.
 * {@link QueueTime} computes, for each timer, the earliest and the latest time the rule allows; a
 * timer must fire in between (1 ms earlier for the wall clock's whole milliseconds, 2 s later for a
 * loaded machine, and 10 s more after a forward step).
 *
 * <p>Times are read with {@link System#nanoTime()} in the runner (when a timer is added) and in the
 * child (when its handler starts), which on Linux both read the machine's monotonic clock; plain
 * jobs check that (none may start before it was added).
 */
final class ClockStepScenario {
  private static final int CHILDREN = 2;
  private static final long TICK_MILLIS = 25;
  private static final int MIN_DELAY_MILLIS = 100;
  private static final int MAX_DELAY_MILLIS = 5_000;
  private static final Duration BEFORE = Duration.ofSeconds(4);
  private static final Duration BETWEEN = Duration.ofSeconds(4);
  private static final Duration AFTER = Duration.ofSeconds(4);

  /** How long the queue sleeps at most (JobQueue.MAX_SLEEP_NANOS), and a second more. */
  private static final Duration QUIET = Duration.ofSeconds(11);

  private static final long QUEUE_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** How late beyond the rule a timer may fire on a loaded machine. */
  private static final long SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** Due times are whole milliseconds of the wall clock: a timer may fire up to 1 ms early. */
  private static final long ROUNDING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);
  private static final long CLOSE_EXIT_MILLIS = 5_000;

  /** A timer or job as the runner added it: nanoTime just before and just after the add. */
  private record Added(String key, long before, long after, long delayNanos) {}

  private final ChaosSettings settings;
  private final Path dir;
  private final Random random;
  private final List<Added> timers = new ArrayList<>();
  private final List<Added> jobs = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final QueueTime rule = new QueueTime();
  private final long[] forwardSteps = new long[2];
  private final long[] held = new long[2];
  private volatile boolean traffic;
  private volatile boolean stop;

  ClockStepScenario(ChaosSettings settings, Path dir) {
    this.settings = settings;
    this.dir = dir;
    this.random = new Random(settings.seed() + 4);
  }

  Outcome run() throws Exception {
    Files.createDirectories(dir);
    Path database = dir.resolve("s4.db");
    Path results = dir.resolve("ran");
    SteppedClock clock = new SteppedClock();
    Duration step = settings.s4Step();
    Duration hold = settings.s4Hold();
    long started = System.nanoTime();
    ChaosRunner.say(
        "s4: timers of 0.1-5 s and jobs; twice the clock steps back %d s and %d s later forward %d"
            + " s; the second time nothing is added from mid-hold until %d s after the forward"
            + " step",
        step.toSeconds(), hold.toSeconds(), step.toSeconds(), QUIET.toSeconds());
    try (NightCoral<ChaosJob> nc =
        NightCoral.builder(ChaosJob.class)
            .databaseFile(database)
            .clock(clock)
            .workerConfig(
                Map.of(
                    ChaosHandler.RESULTS_DIR,
                    results.toString(),
                    ChaosHandler.START_RECORDS,
                    StartNotes.folderOf(database).toString()))
            .build()) {
      nc.launch(ChaosHandler.class, CHILDREN);
      Thread adder = new Thread(() -> addLoop(nc), "chaos-s4-adder");
      traffic = true;
      adder.start();
      try {
        Waits.until(System.nanoTime() + BEFORE.toNanos());
        cycle(clock, 0, false);
        Waits.until(System.nanoTime() + BETWEEN.toNanos());
        cycle(clock, 1, true);
        Waits.until(System.nanoTime() + QUIET.toNanos());
        traffic = true;
        Waits.until(System.nanoTime() + AFTER.toNanos());
      } finally {
        stop = true;
        adder.join(TimeUnit.SECONDS.toMillis(30));
      }
      if (adder.isAlive()) {
        problems.add("the adder did not stop");
      }
      ChaosRunner.say(
          "s4: %d timers and %d jobs added; waiting for all to run", timers.size(), jobs.size());
      if (!Waits.awaitEmpty(nc, DRAIN_LIMIT, new AtomicLong())) {
        problems.add(
            "timers or jobs still waiting " + DRAIN_LIMIT.toSeconds() + " s later: " + nc.stats());
      }
      if (nc.stats().dead() > 0) {
        problems.add(nc.stats().dead() + " dead jobs");
      }
    }
    int survivors = Waits.awaitNoWorkers(CLOSE_EXIT_MILLIS);
    if (survivors > 0) {
      problems.add(survivors + " worker children alive " + CLOSE_EXIT_MILLIS + " ms after close()");
    }
    return check(RanJobs.read(results), Waits.seconds(started));
  }

  /**
   * Steps the clock back, holds, and steps it forward to the true time; with {@code quiet}, stops
   * the adds from mid-hold (the caller resumes them).
   */
  private void cycle(SteppedClock clock, int n, boolean quiet) throws InterruptedException {
    long stepNanos = settings.s4Step().toNanos();
    long holdNanos = settings.s4Hold().toNanos();
    clock.setOffset(settings.s4Step().negated());
    long back = System.nanoTime();
    rule.step(back, -stepNanos);
    ChaosRunner.say("s4: clock stepped back %d s", settings.s4Step().toSeconds());
    if (quiet) {
      Waits.until(back + holdNanos / 2);
      traffic = false;
    }
    Waits.until(back + holdNanos);
    clock.setOffset(Duration.ZERO);
    long forward = System.nanoTime();
    rule.step(forward, 0);
    forwardSteps[n] = forward;
    held[n] = forward - back;
    ChaosRunner.say(
        "s4: clock stepped forward %d s, back to the true time%s",
        settings.s4Step().toSeconds(),
        quiet ? "; nothing added for " + QUIET.toSeconds() + " s" : "");
  }

  /** Adds a timer and a job each tick while there is traffic, until stopped. */
  private void addLoop(NightCoral<ChaosJob> nc) {
    int n = 0;
    try {
      while (!stop) {
        if (traffic) {
          long delay =
              TimeUnit.MILLISECONDS.toNanos(
                  MIN_DELAY_MILLIS + random.nextInt(MAX_DELAY_MILLIS - MIN_DELAY_MILLIS + 1));
          String key = "s4-timer-" + n;
          long before = System.nanoTime();
          nc.addTimer(Duration.ofNanos(delay), new ChaosJob(key));
          timers.add(new Added(key, before, System.nanoTime(), delay));
          key = "s4-job-" + n;
          before = System.nanoTime();
          nc.add(new ChaosJob(key));
          jobs.add(new Added(key, before, System.nanoTime(), 0));
          n++;
        }
        TimeUnit.MILLISECONDS.sleep(TICK_MILLIS);
      }
    } catch (InterruptedException | NightCoralException e) {
      synchronized (problems) {
        problems.add("the adder stopped: " + e);
      }
    }
  }

  private Outcome check(RanJobs ran, double seconds) {
    List<String> lost = new ArrayList<>();
    List<String> early = new ArrayList<>();
    List<String> late = new ArrayList<>();
    long stepNanos = settings.s4Step().toNanos();
    long untouchedLate = 0; // timers whose due time no step moved: how late, at most
    long heldLate = 0; // timers a backward step held back: how late, at most
    long broughtForward = 0; // timers a forward step brought forward: how early, at most
    long[] noticed = new long[2]; // after each forward step: beyond the rule's time, at most
    int untouched = 0;
    int heldBack = 0;
    int forwarded = 0;
    for (Added t : timers) {
      List<RanJobs.Start> starts = ran.startsOf(t.key());
      if (ran.runs(t.key()) == 0 || starts.isEmpty()) {
        lost.add(t.key());
        continue;
      }
      long fired = starts.stream().mapToLong(RanJobs.Start::nanos).min().getAsLong();
      long delayed = t.before() + t.delayNanos(); // its delay passed, on the monotonic clock
      long earliest = rule.reaches(rule.at(t.before()) + t.delayNanos(), t.before());
      long latest = rule.reaches(rule.at(t.after()) + t.delayNanos(), t.after());
      int after = forwardStepBefore(latest);
      long allowed = SLACK_NANOS + (after >= 0 ? QUEUE_SLEEP_NANOS : 0);
      if (fired < earliest - ROUNDING_NANOS) {
        early.add(
            String.format(
                "%s fired %.1f ms before the rule's time", t.key(), (earliest - fired) / 1e6));
      }
      if (fired > latest + allowed || fired - delayed > stepNanos + allowed) {
        late.add(
            String.format(
                "%s fired %.2f s after its delay, %.2f s after the rule's time",
                t.key(), (fired - delayed) / 1e9, (fired - latest) / 1e9));
      }
      if (after >= 0) {
        noticed[after] = Math.max(noticed[after], fired - latest);
      }
      if (earliest < delayed - ROUNDING_NANOS) {
        forwarded++;
        broughtForward = Math.max(broughtForward, delayed - fired);
      } else if (latest > t.after() + t.delayNanos() + ROUNDING_NANOS) {
        heldBack++;
        heldLate = Math.max(heldLate, fired - delayed);
      } else {
        untouched++;
        untouchedLate = Math.max(untouchedLate, fired - delayed);
      }
    }
    long notComparable = 0;
    for (Added j : jobs) {
      List<RanJobs.Start> starts = ran.startsOf(j.key());
      if (ran.runs(j.key()) == 0 || starts.isEmpty()) {
        lost.add(j.key());
      } else if (starts.get(0).nanos() < j.before()) {
        notComparable++;
      }
    }
    if (notComparable > 0) {
      problems.add(
          notComparable
              + " jobs started in a child before the runner added them: the children's"
              + " System.nanoTime() is not the runner's, so the timer checks mean nothing");
    }
    problems.addAll(ran.fileProblems());
    if (!early.isEmpty()) {
      problems.add(early.size() + " timers fired before the rule's time: " + early.get(0));
    }
    if (!late.isEmpty()) {
      problems.add(late.size() + " timers fired later than the rule allows: " + late.get(0));
    }
    Set<String> added = new HashSet<>();
    timers.forEach(t -> added.add(t.key()));
    jobs.forEach(j -> added.add(j.key()));
    long unacked = ran.keys().stream().filter(k -> !added.contains(k)).count();
    List<String> figures =
        List.of(
            String.format(
                "%d timers, %d jobs; %d timers fired before the rule's time, %d after it allows",
                timers.size(), jobs.size(), early.size(), late.size()),
            String.format(
                "%d timers no step touched: at most %.3f s late", untouched, untouchedLate / 1e9),
            String.format(
                "%d timers held back by a backward step: at most %.2f s late (the clock was held"
                    + " %.1f s and %.1f s)",
                heldBack, heldLate / 1e9, held[0] / 1e9, held[1] / 1e9),
            String.format(
                "%d timers brought forward by a forward step: up to %.2f s before their delay"
                    + " had passed",
                forwarded, broughtForward / 1e9),
            String.format(
                "after the forward step the queue noticed within %.2f s with adds flowing, within"
                    + " %.2f s with nothing to wake it (it sleeps at most %d s)",
                noticed[0] / 1e9,
                noticed[1] / 1e9,
                TimeUnit.NANOSECONDS.toSeconds(QUEUE_SLEEP_NANOS)));
    figures.forEach(f -> ChaosRunner.say("s4: %s", f));
    ChaosRunner.say(
        "s4: %d timers and %d jobs; %d lost; %d extra runs",
        timers.size(), jobs.size(), lost.size(), ran.duplicates());
    ChaosRunner.reportSome("s4: lost", lost);
    ChaosRunner.reportSome("s4: early", early);
    ChaosRunner.reportSome("s4: late", late);
    return new Outcome(
        "4: clock step",
        timers.size() + jobs.size(),
        ran.keys().size(),
        lost.size(),
        ran.duplicates(),
        unacked,
        0,
        0,
        0,
        0,
        seconds,
        problems,
        figures);
  }

  /** Which forward step {@code at} follows by at most the queue's longest sleep (0 or 1), or -1. */
  private int forwardStepBefore(long at) {
    for (int n = forwardSteps.length - 1; n >= 0; n--) {
      if (forwardSteps[n] != 0
          && at >= forwardSteps[n]
          && at <= forwardSteps[n] + QUEUE_SLEEP_NANOS) {
        return n;
      }
    }
    return -1;
  }
}
