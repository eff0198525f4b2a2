package io.nightcoral.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times as the pages show them: UTC to the second, with how long ago or how soon. */
final class Times {
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Times() {}

  /** A {@code <time>} element for {@code at} seen from {@code now}; "—" for null. */
  static String html(Instant at, Instant now) {
    if (at == null) {
      return "—";
    }
    return "<time datetime=\""
        + Html.text(at.toString())
        + "\" title=\""
        + Html.text(UTC.format(at))
        + "\">"
        + Html.text(relative(at, now))
        + "</time>";
  }

  /** "12 s ago", "in 3 min", "now". */
  static String relative(Instant at, Instant now) {
    Duration d = Duration.between(now, at);
    boolean future = !d.isNegative();
    long s = Math.abs(d.getSeconds());
    if (s == 0) {
      return "now";
    }
    String amount;
    if (s < 60) {
      amount = s + " s";
    } else if (s < 3600) {
      amount = s / 60 + " min";
    } else if (s < 2 * 86400) {
      amount = s / 3600 + " h " + (s % 3600) / 60 + " min";
    } else {
      amount = s / 86400 + " days";
    }
    return future ? "in " + amount : amount + " ago";
  }
}
