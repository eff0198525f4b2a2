package io.nightcoral.chaos;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * The scenario sizes, read from {@code chaos.*} system properties; the defaults are the issue's
 * numbers.
 *
 * @param seed seeds every random choice ({@code chaos.seed}; default: the clock)
 * @param scenarios the scenarios to run ({@code chaos.scenarios}, default {@code 1,2})
 * @param s1Jobs jobs in scenario 1 ({@code chaos.s1.jobs}, default 20,000)
 * @param s1Children worker children in scenario 1 ({@code chaos.s1.children}, default 4)
 * @param s1KillEvery the kill period ({@code chaos.s1.killEveryMillis}, default 200 ms)
 * @param s1OnlyUp kill only children that are up ({@code chaos.s1.victims=up}) or also children
 *     still starting ({@code any}, the default)
 * @param s1Spare candidates the killer leaves alone ({@code chaos.s1.spare}, default 0)
 * @param s1Limit the longest wait for scenario 1's queue to empty ({@code chaos.s1.limitSeconds},
 *     180)
 * @param s2Rounds server kills in scenario 2 ({@code chaos.s2.rounds}, default 10)
 * @param s2DrainLimit the longest wait for the drain run ({@code chaos.s2.drainLimitSeconds}, 120)
 */
record ChaosSettings(
    long seed,
    Set<Integer> scenarios,
    int s1Jobs,
    int s1Children,
    Duration s1KillEvery,
    boolean s1OnlyUp,
    int s1Spare,
    Duration s1Limit,
    int s2Rounds,
    Duration s2DrainLimit) {

  static ChaosSettings fromSystemProperties() {
    String seedText = text("chaos.seed", "");
    long seed = seedText.isEmpty() ? System.nanoTime() : Long.parseLong(seedText);
    Set<Integer> scenarios = new TreeSet<>();
    for (String s : text("chaos.scenarios", "1,2").split(",")) {
      if (!s.isBlank()) {
        scenarios.add(Integer.parseInt(s.trim()));
      }
    }
    String victims = text("chaos.s1.victims", "any");
    if (!victims.equals("up") && !victims.equals("any")) {
      throw new IllegalArgumentException("chaos.s1.victims must be up or any, was " + victims);
    }
    return new ChaosSettings(
        seed,
        scenarios,
        number("chaos.s1.jobs", 20_000, 1),
        number("chaos.s1.children", 4, 1),
        Duration.ofMillis(number("chaos.s1.killEveryMillis", 200, 1)),
        victims.equals("up"),
        number("chaos.s1.spare", 0, 0),
        Duration.ofSeconds(number("chaos.s1.limitSeconds", 180, 1)),
        number("chaos.s2.rounds", 10, 1),
        Duration.ofSeconds(number("chaos.s2.drainLimitSeconds", 120, 1)));
  }

  /** A property's trimmed text; an unset or empty property gives {@code fallback}. */
  private static String text(String name, String fallback) {
    String value = System.getProperty(name, "").trim();
    return value.isEmpty() ? fallback : value;
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
    return "seed="
        + seed
        + " scenarios="
        + scenarios
        + " s1.jobs="
        + s1Jobs
        + " s1.children="
        + s1Children
        + " s1.killEvery="
        + s1KillEvery.toMillis()
        + "ms s1.victims="
        + (s1OnlyUp ? "up" : "any")
        + " s1.spare="
        + s1Spare
        + " s1.limit="
        + s1Limit.toSeconds()
        + "s s2.rounds="
        + s2Rounds
        + " s2.drainLimit="
        + s2DrainLimit.toSeconds()
        + "s";
  }
}
