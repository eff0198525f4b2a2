package io.nightcoral.chaos;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The scenario settings, read from {@code chaos.*} system properties; the defaults are the issue's
 * numbers.
 *
 * @param seed seeds every random choice ({@code chaos.seed}; default: the clock)
 * @param scenarios the scenarios to run ({@code chaos.scenarios}, default {@code 1,2,3,4,5})
 * @param s1Kills scenario 1 adds jobs until the killer has killed this many children ({@code
 *     chaos.s1.kills}, default 1,000)
 * @param s1JobMillis how long each job of scenario 1 takes ({@code chaos.s1.jobMillis}, default 5)
 * @param s1Backlog the adders of scenario 1 pause while this many jobs are queued ({@code
 *     chaos.s1.backlog}, default 300)
 * @param s1Children worker children in scenario 1 ({@code chaos.s1.children}, default 4)
 * @param s1KillEvery the kill period ({@code chaos.s1.killEveryMillis}, default 200 ms)
 * @param s1Victims which children the killer may pick ({@code chaos.s1.victims}): {@code any},
 *     {@code up} (only children that ran a job), or {@code mixed} (the default: any but the one
 *     that has been starting the longest)
 * @param s1Spare candidates the killer leaves alone ({@code chaos.s1.spare}, default 0)
 * @param s1Limit the longest wait for scenario 1's queue to empty once the adding stopped ({@code
 *     chaos.s1.limitSeconds}, 180)
 * @param s2Rounds server kills in scenario 2 ({@code chaos.s2.rounds}, default 10)
 * @param s2DrainLimit the longest wait for the drain run ({@code chaos.s2.drainLimitSeconds}, 120)
 * @param s2JobMillis how long each job of scenario 2 takes ({@code chaos.s2.jobMillis}, default 2)
 * @param s3Disk how scenario 3 fills the disk ({@code chaos.s3.disk}): {@code tmpfs} (a small file
 *     system mounted for the run, filled with a file), {@code pragma} (SQLite's {@code
 *     max_page_count}), or {@code auto} (the default: tmpfs if it can be mounted)
 * @param s3DiskMegabytes the size of scenario 3's file system ({@code chaos.s3.diskMegabytes}, 16)
 * @param s3Full how long scenario 3's disk stays full ({@code chaos.s3.fullSeconds}, default 5)
 * @param s3JobMillis how long each job of scenario 3 takes ({@code chaos.s3.jobMillis}, default 5)
 * @param s4Step how far scenario 4 steps the clock back, then forward ({@code
 *     chaos.s4.stepSeconds}, default 600)
 * @param s4Hold how long scenario 4's clock stays stepped back ({@code chaos.s4.holdSeconds},
 *     default 6)
 * @param s5Rounds coordinator kills in scenario 5 ({@code chaos.s5.rounds}, default 9)
 * @param s5KillEvery the time between coordinator kills in scenario 5 ({@code
 *     chaos.s5.killEverySeconds}, default 8)
 * @param s5ChildKillEvery the worker-child kill period of scenario 5 ({@code
 *     chaos.s5.childKillEveryMillis}, default 2,000)
 * @param s5AddsPerSecond adds per second of each coordinator in scenario 5 ({@code
 *     chaos.s5.addsPerSecond}, default 40)
 * @param s5JobMillis how long each job of scenario 5 takes ({@code chaos.s5.jobMillis}, default 2)
 * @param s5Lease the coordinators' {@code nodeLeaseTimeout} in scenario 5 ({@code
 *     chaos.s5.leaseSeconds}, default 10, at least 10)
 * @param s5DrainLimit the longest wait for scenario 5's database to empty once the adding stopped
 *     ({@code chaos.s5.drainLimitSeconds}, default 120)
 */
record ChaosSettings(
    long seed,
    Set<Integer> scenarios,
    int s1Kills,
    int s1JobMillis,
    int s1Backlog,
    int s1Children,
    Duration s1KillEvery,
    ChildKiller.Victims s1Victims,
    int s1Spare,
    Duration s1Limit,
    int s2Rounds,
    Duration s2DrainLimit,
    int s2JobMillis,
    String s3Disk,
    int s3DiskMegabytes,
    Duration s3Full,
    int s3JobMillis,
    Duration s4Step,
    Duration s4Hold,
    int s5Rounds,
    Duration s5KillEvery,
    Duration s5ChildKillEvery,
    int s5AddsPerSecond,
    int s5JobMillis,
    Duration s5Lease,
    Duration s5DrainLimit) {

  static ChaosSettings fromSystemProperties() {
    String seedText = text("chaos.seed", "");
    long seed = seedText.isEmpty() ? System.nanoTime() : Long.parseLong(seedText);
    Set<Integer> scenarios = new TreeSet<>();
    for (String s : text("chaos.scenarios", "1,2,3,4,5").split(",")) {
      if (!s.isBlank()) {
        int n = Integer.parseInt(s.trim());
        if (n < 1 || n > 5) {
          throw new IllegalArgumentException("chaos.scenarios: no scenario " + n);
        }
        scenarios.add(n);
      }
    }
    String victims = oneOf("chaos.s1.victims", "mixed", "any", "up", "mixed");
    String disk = oneOf("chaos.s3.disk", "auto", "auto", "tmpfs", "pragma");
    Duration step = Duration.ofSeconds(number("chaos.s4.stepSeconds", 600, 2));
    Duration hold = Duration.ofSeconds(number("chaos.s4.holdSeconds", 6, 2));
    if (hold.compareTo(step) >= 0) {
      throw new IllegalArgumentException(
          "chaos.s4.holdSeconds must be less than chaos.s4.stepSeconds (the wall clock would"
              + " catch up before the forward step)");
    }
    return new ChaosSettings(
        seed,
        scenarios,
        number("chaos.s1.kills", 1_000, 1),
        number("chaos.s1.jobMillis", 5, 0),
        number("chaos.s1.backlog", 300, 1),
        number("chaos.s1.children", 4, 1),
        Duration.ofMillis(number("chaos.s1.killEveryMillis", 200, 1)),
        ChildKiller.Victims.valueOf(victims.toUpperCase(Locale.ROOT)),
        number("chaos.s1.spare", 0, 0),
        Duration.ofSeconds(number("chaos.s1.limitSeconds", 180, 1)),
        number("chaos.s2.rounds", 10, 1),
        Duration.ofSeconds(number("chaos.s2.drainLimitSeconds", 120, 1)),
        number("chaos.s2.jobMillis", 2, 0),
        disk,
        number("chaos.s3.diskMegabytes", 16, 4),
        Duration.ofSeconds(number("chaos.s3.fullSeconds", 5, 1)),
        number("chaos.s3.jobMillis", 5, 0),
        step,
        hold,
        number("chaos.s5.rounds", 9, 1),
        Duration.ofSeconds(number("chaos.s5.killEverySeconds", 8, 1)),
        Duration.ofMillis(number("chaos.s5.childKillEveryMillis", 2_000, 1)),
        number("chaos.s5.addsPerSecond", 40, 1),
        number("chaos.s5.jobMillis", 2, 0),
        Duration.ofSeconds(number("chaos.s5.leaseSeconds", 10, 10)),
        Duration.ofSeconds(number("chaos.s5.drainLimitSeconds", 120, 1)));
  }

  /** A property's trimmed text; an unset or empty property gives {@code fallback}. */
  private static String text(String name, String fallback) {
    String value = System.getProperty(name, "").trim();
    return value.isEmpty() ? fallback : value;
  }

  private static String oneOf(String name, String fallback, String... allowed) {
    String value = text(name, fallback);
    for (String a : allowed) {
      if (a.equals(value)) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        name + " must be one of " + String.join(", ", allowed) + ", was " + value);
  }

  private static int number(String name, int fallback, int min) {
    int value = Integer.parseInt(text(name, Integer.toString(fallback)));
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
    }
    return value;
  }

  @Override
  public String toString() {
    return String.format(
        "seed=%d scenarios=%s%n  s1: kills=%d jobMillis=%d backlog=%d children=%d killEvery=%dms"
            + " victims=%s spare=%d limit=%ds%n  s2: rounds=%d drainLimit=%ds jobMillis=%d%n"
            + "  s3: disk=%s diskMegabytes=%d full=%ds jobMillis=%d%n  s4: step=%ds hold=%ds%n"
            + "  s5: rounds=%d killEvery=%ds childKillEvery=%dms addsPerSecond=%d jobMillis=%d"
            + " lease=%ds drainLimit=%ds",
        seed,
        scenarios,
        s1Kills,
        s1JobMillis,
        s1Backlog,
        s1Children,
        s1KillEvery.toMillis(),
        s1Victims.name().toLowerCase(Locale.ROOT),
        s1Spare,
        s1Limit.toSeconds(),
        s2Rounds,
        s2DrainLimit.toSeconds(),
        s2JobMillis,
        s3Disk,
        s3DiskMegabytes,
        s3Full.toSeconds(),
        s3JobMillis,
        s4Step.toSeconds(),
        s4Hold.toSeconds(),
        s5Rounds,
        s5KillEvery.toSeconds(),
        s5ChildKillEvery.toMillis(),
        s5AddsPerSecond,
        s5JobMillis,
        s5Lease.toSeconds(),
        s5DrainLimit.toSeconds());
  }
}
