package io.nightcoral.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The login sessions of a console that takes changes: each is opened by presenting the access
 * token, named by a random id (the session cookie) and carries a random CSRF token that every
 * change must echo. A session ends at {@link #LIFETIME} after login or at logout; at most {@link
 * #MAX} are kept (the oldest goes first). Thread-safe.
 */
final class Sessions {
  /** How long a login lasts. */
  static final Duration LIFETIME = Duration.ofHours(12);

  /** The most sessions kept at once. */
  static final int MAX = 100;

  /**
   * One login.
   *
   * @param id the session cookie's value
   * @param csrf the token every form of this session carries
   * @param expiresAt when it ends, epoch millis
   */
  record Session(String id, String csrf, long expiresAt) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> open = new ConcurrentHashMap<>();
  private final Clock clock;

  Sessions(Clock clock) {
    this.clock = clock;
  }

  /** Opens a session (the caller has checked the access token). */
  Session open() {
    long now = clock.millis();
    open.values().removeIf(s -> s.expiresAt() <= now);
    synchronized (this) {
      while (open.size() >= MAX) {
        open.values().stream()
            .min(Comparator.comparingLong(Session::expiresAt))
            .ifPresent(s -> open.remove(s.id()));
      }
      Session s = new Session(secret(), secret(), now + LIFETIME.toMillis());
      open.put(s.id(), s);
      return s;
    }
  }

  /** The live session named {@code id}, or null. */
  Session find(String id) {
    if (id == null) {
      return null;
    }
    Session s = open.get(id);
    if (s == null) {
      return null;
    }
    if (s.expiresAt() <= clock.millis()) {
      open.remove(id);
      return null;
    }
    return s;
  }

  /** Ends session {@code id}, if open. */
  void close(String id) {
    open.remove(id);
  }

  private String secret() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
