package io.nightcoral;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.nightcoral.internal.Times;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * When a recurring job runs: a standard 5-field Unix cron expression in a time zone
 * (daylight-saving changes included), or a fixed rate of at least a second. Immutable.
 */
public final class Schedule {
  /** The shortest rate of {@link #every(Duration)}. */
  public static final Duration SHORTEST_RATE = Duration.ofSeconds(1);

  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final String text;
  private final ExecutionTime cron; // null for a fixed rate
  private final ZoneId zone;
  private final long rateMillis;

  private Schedule(String text, ExecutionTime cron, ZoneId zone, long rateMillis) {
    this.text = text;
    this.cron = cron;
    this.zone = zone;
    this.rateMillis = rateMillis;
  }

  /** A cron schedule in UTC: minute, hour, day of month, month, day of week. */
  public static Schedule cron(String expression) {
    return cron(expression, ZoneOffset.UTC);
  }

  /**
   * A cron schedule in {@code zone}: minute, hour, day of month, month, day of week; a bad
   * expression throws {@link IllegalArgumentException} naming it.
   */
  public static Schedule cron(String expression, ZoneId zone) {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(zone, "zone");
    Cron cron;
    try {
      cron = UNIX.parse(expression.strip());
      cron.validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "bad cron expression \"" + expression + "\": " + e.getMessage(), e);
    }
    return new Schedule(
        "cron " + cron.asString() + " " + zone.getId(), ExecutionTime.forCron(cron), zone, 0);
  }

  /** A fixed rate: every {@code rate}, at least {@link #SHORTEST_RATE}. */
  public static Schedule every(Duration rate) {
    Objects.requireNonNull(rate, "rate");
    if (rate.compareTo(SHORTEST_RATE) < 0) {
      throw new IllegalArgumentException(
          "a schedule's rate must be at least " + SHORTEST_RATE + ", was " + rate);
    }
    return new Schedule("every " + rate, null, null, Times.millis(rate));
  }

  /** The schedule as stored and shown: {@code "cron <fields> <zone>"} or {@code "every <rate>"}. */
  public String text() {
    return text;
  }

  /** Reads a schedule's {@link #text()} back. */
  static Schedule parse(String text) {
    if (text.startsWith("every ")) {
      return every(Duration.parse(text.substring("every ".length())));
    }
    if (text.startsWith("cron ")) {
      String rest = text.substring("cron ".length());
      int zoneAt = rest.lastIndexOf(' ');
      try {
        return cron(rest.substring(0, zoneAt), ZoneId.of(rest.substring(zoneAt + 1)));
      } catch (DateTimeException e) {
        throw new IllegalArgumentException("bad stored schedule \"" + text + "\"", e);
      }
    }
    throw new IllegalArgumentException("bad stored schedule \"" + text + "\"");
  }

  /**
   * The first firing strictly after epoch millisecond {@code after}, or {@link Long#MAX_VALUE} if
   * there is none. A fixed rate fires on the grid of {@code origin} plus whole periods.
   */
  long nextAfter(long after, long origin) {
    if (cron == null) {
      if (after < origin) {
        return origin;
      }
      long periods = (after - origin) / rateMillis + 1;
      return Times.plus(origin, Times.times(periods, rateMillis));
    }
    ZonedDateTime from = Instant.ofEpochMilli(after).atZone(zone);
    Optional<ZonedDateTime> next = cron.nextExecution(from);
    return next.map(t -> t.toInstant().toEpochMilli()).orElse(Long.MAX_VALUE);
  }

  /** Whether this is a fixed rate. */
  boolean isRate() {
    return cron == null;
  }

  /** The rate of a fixed-rate schedule, in milliseconds. */
  long rateMillis() {
    return rateMillis;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schedule other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
