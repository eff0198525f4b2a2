package io.nightcoral.bench;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One repetition of a scenario: a fresh folder for its database, and the samples it recorded. */
final class Trial {
  private final Path dir;
  private final Map<Metric, List<Double>> samples = new LinkedHashMap<>();

  Trial(Path dir) {
    this.dir = dir;
  }

  /** The trial's own folder, deleted after it. */
  Path dir() {
    return dir;
  }

  /** A builder on a new database in the trial's folder, with every other option at its default. */
  NightCoralBuilder<BenchJob> builder() {
    return NightCoral.builder(BenchJob.class).databaseFile(dir.resolve("bench.db"));
  }

  void record(Metric metric, double value) {
    samples.computeIfAbsent(metric, m -> new ArrayList<>()).add(value);
  }

  Map<Metric, List<Double>> samples() {
    return samples;
  }
}
