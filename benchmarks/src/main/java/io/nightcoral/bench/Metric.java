package io.nightcoral.bench;

import java.util.Locale;

/**
 * One measured quantity of a scenario: its row name, unit and target. Units decide the format;
 * {@code "yes/no"} samples are 1 or 0; {@link #RATIO} samples are ratios to the bare-SQLite
 * reference of the same repetition.
 */
record Metric(String name, String unit, Target target) {
  /** The unit of a ratio to the bare-SQLite reference measured in the same repetition. */
  static final String RATIO = "\u00d7";

  /** Whether this metric is a ratio to the same repetition's bare-SQLite reference. */
  boolean isRatio() {
    return RATIO.equals(unit);
  }

  String format(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    switch (unit) {
      case "jobs/s":
        return String.format(Locale.ROOT, "%,.0f", v);
      case "ms":
        return String.format(Locale.ROOT, v < 10 ? "%.3f" : "%.1f", v);
      case "MiB":
        return String.format(Locale.ROOT, "%.1f", v);
      case RATIO:
        return String.format(Locale.ROOT, "%.2f", v);
      case "yes/no":
        return v == 1 ? "yes" : "no";
      default:
        return String.format(Locale.ROOT, "%.0f", v);
    }
  }

  String formatTarget() {
    if (target.isNone()) {
      return "";
    }
    String bound =
        "yes/no".equals(unit) ? format(target.value()) : target.op() + " " + format(target.value());
    return target.worst() ? (target.op().equals(">=") ? "min " : "max ") + bound : bound;
  }
}
