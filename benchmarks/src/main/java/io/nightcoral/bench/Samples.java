package io.nightcoral.bench;

import java.util.Arrays;
import java.util.List;

/** Order statistics over samples. */
final class Samples {
  private Samples() {}

  /** The nearest-rank percentile {@code p} (0 < p <= 100) of {@code values}. */
  static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  /** The median; the mean of the two middle values when there is an even number. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  /** Nanoseconds as milliseconds. */
  static double millis(long nanos) {
    return nanos / 1e6;
  }

  /** {@code count} events in {@code nanos} as events per second. */
  static double perSecond(long count, long nanos) {
    return count * 1e9 / nanos;
  }
}
