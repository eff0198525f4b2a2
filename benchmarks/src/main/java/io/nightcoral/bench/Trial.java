package io.nightcoral.bench;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One repetition of a scenario: a fresh folder for its database, the samples it recorded, and the
 * latest sample of every metric measured before it in the same run (the reference of its
 * repetition, for ratios).
 */
final class Trial {
  private final Path dir;
  private final Map<Metric, Double> earlier;
  private final Map<Metric, List<Double>> samples = new LinkedHashMap<>();

  Trial(Path dir) {
    this(dir, Map.of());
  }

  Trial(Path dir, Map<Metric, Double> earlier) {
    this.dir = dir;
    this.earlier = Map.copyOf(earlier);
  }

  /** The trial's own folder, deleted after it. */
  Path dir() {
    return dir;
  }

  /** A builder on a new database in the trial's folder, with every other option at its default. */
  NightCoralBuilder<BenchJob> builder() {
    return NightCoral.builder(BenchJob.class).databaseFile(dir.resolve("bench.db"));
  }

  /**
   * The latest sample of {@code metric} taken before this trial in the same run (with interleaved
   * repetitions: the one of this repetition), or NaN if there is none.
   */
  double earlier(Metric metric) {
    return earlier.getOrDefault(metric, Double.NaN);
  }

  /**
   * Records {@code value} and its ratio to the latest sample of {@code reference}, if there is one.
   */
  void recordWithRatio(Metric metric, double value, Metric ratio, Metric reference) {
    record(metric, value);
    double ref = earlier(reference);
    if (ref > 0) {
      record(ratio, value / ref);
    }
  }

  void record(Metric metric, double value) {
    samples.computeIfAbsent(metric, m -> new ArrayList<>()).add(value);
  }

  Map<Metric, List<Double>> samples() {
    return samples;
  }
}
