package io.nightcoral.bench;

import java.util.List;

/**
 * A named benchmark: what it measures, the metrics it reports, the body that runs one repetition of
 * it and, optionally, an unmeasured warm-up that runs once, before the first repetition waits for a
 * quiet machine.
 */
record Scenario(String name, String description, List<Metric> metrics, Body body, Body warmUp) {

  Scenario(String name, String description, List<Metric> metrics, Body body) {
    this(name, description, metrics, body, null);
  }

  /** Whether some metric is a ratio to the bare-SQLite reference of the same repetition. */
  boolean usesReference() {
    return metrics.stream().anyMatch(Metric::isRatio);
  }

  /** One repetition, on the fresh database of {@code trial}; it records a sample of each metric. */
  interface Body {
    void run(Trial trial) throws Exception;
  }
}
