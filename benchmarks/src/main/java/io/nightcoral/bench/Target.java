package io.nightcoral.bench;

import java.util.List;

/**
 * What a metric must reach: at least, at most or exactly {@code value}, or nothing (a metric shown
 * for explanation only). By default the median of the samples is judged; a {@code worst} target
 * judges the worst sample instead (the lowest for "at least", the highest for "at most"), for
 * targets every repetition (or every child) must meet.
 */
record Target(String op, double value, boolean worst) {
  private static final Target NONE = new Target("", 0, false);

  static Target atLeast(double value) {
    return new Target(">=", value, false);
  }

  static Target atMost(double value) {
    return new Target("<=", value, false);
  }

  static Target exactly(double value) {
    return new Target("=", value, false);
  }

  static Target none() {
    return NONE;
  }

  /** The same bound, judged on the worst sample rather than the median. */
  Target onWorst() {
    return new Target(op, value, true);
  }

  boolean isNone() {
    return op.isEmpty();
  }

  /** Whether {@code values} meet the target: their median, or their worst for a worst target. */
  boolean isMetBy(List<Double> values) {
    double judged;
    if (!worst) {
      judged = Samples.median(values);
    } else if (op.equals(">=")) {
      judged = Samples.min(values);
    } else {
      judged = Samples.max(values);
    }
    return isMetBy(judged);
  }

  private boolean isMetBy(double judged) {
    switch (op) {
      case ">=":
        return judged >= value;
      case "<=":
        return judged <= value;
      case "=":
        return judged == value;
      default:
        return true;
    }
  }
}
