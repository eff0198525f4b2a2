package io.nightcoral.bench;

/**
 * What a metric's median must reach: at least, at most or exactly {@code value}, or nothing (a
 * metric shown for explanation only).
 */
record Target(String op, double value) {
  private static final Target NONE = new Target("", 0);

  static Target atLeast(double value) {
    return new Target(">=", value);
  }

  static Target atMost(double value) {
    return new Target("<=", value);
  }

  static Target exactly(double value) {
    return new Target("=", value);
  }

  static Target none() {
    return NONE;
  }

  boolean isNone() {
    return op.isEmpty();
  }

  boolean isMetBy(double median) {
    switch (op) {
      case ">=":
        return median >= value;
      case "<=":
        return median <= value;
      case "=":
        return median == value;
      default:
        return true;
    }
  }
}
