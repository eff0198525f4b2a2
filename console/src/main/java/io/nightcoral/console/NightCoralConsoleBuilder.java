package io.nightcoral.console;

import io.nightcoral.NightCoral;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Configures a console for one {@link NightCoral}: where it listens (127.0.0.1 unless told
 * otherwise), its access token (without one, or with {@link #readOnly}, it takes no changes), and
 * the overview chart's sampling. A bad value fails at once with a message naming the option. Not
 * thread-safe.
 */
public final class NightCoralConsoleBuilder {
  /** Default host of {@link #bind}: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** Default port of {@link #bind}. */
  public static final int DEFAULT_PORT = 7878;

  /** Default for {@link #sampleInterval}. */
  public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(2);

  /** Default for {@link #history}. */
  public static final Duration DEFAULT_HISTORY = Duration.ofMinutes(5);

  /** The most samples {@link #history} may keep. */
  public static final int MAX_SAMPLES = 10_000;

  private static final Duration SHORTEST_INTERVAL = Duration.ofMillis(100);
  private static final Duration LONGEST_INTERVAL = Duration.ofMinutes(1);

  private final NightCoral<?> nc;
  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String token;
  private boolean readOnly;
  private Duration sampleInterval = DEFAULT_SAMPLE_INTERVAL;
  private Duration history = DEFAULT_HISTORY;
  private Clock clock = Clock.systemUTC();

  NightCoralConsoleBuilder(NightCoral<?> nc) {
    this.nc = Objects.requireNonNull(nc, "nc");
  }

  /**
   * Where the standalone console listens: a host name or address ("0.0.0.0" for every interface)
   * and a port (0 for any free one); default 127.0.0.1:{@value #DEFAULT_PORT}.
   */
  public NightCoralConsoleBuilder bind(String host, int port) {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("bind: host must not be blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("bind: port must be 0 to 65535, was " + port);
    }
    this.host = host;
    this.port = port;
    return this;
  }

  /** Where the standalone console listens; see {@link #bind(String, int)}. */
  public NightCoralConsoleBuilder bind(InetSocketAddress address) {
    Objects.requireNonNull(address, "address");
    return bind(address.getHostString(), address.getPort());
  }

  /**
   * The access token a user types once to make changes (requeue, delete, run now, remove); at least
   * {@value AccessToken#MIN_LENGTH} characters. Without a token the console is read-only.
   */
  public NightCoralConsoleBuilder token(String token) {
    Objects.requireNonNull(token, "token");
    if (token.length() < AccessToken.MIN_LENGTH) {
      throw new IllegalArgumentException(
          "token must have at least " + AccessToken.MIN_LENGTH + " characters");
    }
    this.token = token;
    return this;
  }

  /**
   * Whether the console only shows (no change endpoints at all, even with a token); default false.
   */
  public NightCoralConsoleBuilder readOnly(boolean readOnly) {
    this.readOnly = readOnly;
    return this;
  }

  /** How often the overview's chart samples {@code stats()}: 100 ms to 1 min; default 2 s. */
  public NightCoralConsoleBuilder sampleInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(SHORTEST_INTERVAL) < 0 || interval.compareTo(LONGEST_INTERVAL) > 0) {
      throw new IllegalArgumentException("sampleInterval must be 100 ms to 1 min, was " + interval);
    }
    this.sampleInterval = interval;
    return this;
  }

  /**
   * How far back the overview's chart reaches: at least one sample interval and at most {@value
   * #MAX_SAMPLES} samples; default 5 min.
   */
  public NightCoralConsoleBuilder history(Duration history) {
    Objects.requireNonNull(history, "history");
    if (history.compareTo(SHORTEST_INTERVAL) < 0 || history.toDays() > 1) {
      throw new IllegalArgumentException("history must be 100 ms to 1 day, was " + history);
    }
    this.history = history;
    return this;
  }

  /** The clock the pages and sessions read (tests). */
  NightCoralConsoleBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Starts the console on the JDK's HTTP server, with a sampler thread for the overview's chart;
   * close the returned console to stop both.
   *
   * @throws java.io.UncheckedIOException if the address cannot be bound
   */
  public NightCoralConsole start() {
    Sampler sampler = sampler();
    try {
      return new NightCoralConsole(
          handler(sampler), sampler, new InetSocketAddress(host, port), describe());
    } catch (RuntimeException | Error e) {
      sampler.close();
      throw e;
    }
  }

  /**
   * The console as a Jakarta servlet, for a host web app to mount under a path (the Spring Boot
   * starter does); the host's server serves it, so {@link #bind} does not apply. Its sampler runs
   * until the container destroys the servlet. Needs {@code jakarta.servlet-api} 6 on the class
   * path.
   */
  public NightCoralConsoleServlet servlet() {
    Sampler sampler = sampler();
    return new NightCoralConsoleServlet(handler(sampler), sampler, describe());
  }

  private ConsoleHandler handler(Sampler sampler) {
    boolean takesChanges = token != null && !readOnly;
    return new ConsoleHandler(nc, takesChanges ? new AccessToken(token) : null, sampler, clock);
  }

  private Sampler sampler() {
    long samples = Math.max(2, history.toMillis() / sampleInterval.toMillis() + 1);
    if (samples > MAX_SAMPLES) {
      throw new IllegalArgumentException(
          "history of "
              + history
              + " at a sampleInterval of "
              + sampleInterval
              + " keeps more than "
              + MAX_SAMPLES
              + " samples");
    }
    Sampler sampler = new Sampler(nc::stats, clock, sampleInterval, (int) samples);
    sampler.start();
    return sampler;
  }

  private String describe() {
    return token == null
        ? "read-only: no access token given"
        : readOnly ? "read-only" : "changes need the access token";
  }
}
