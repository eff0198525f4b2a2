package io.nightcoral.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The console's access token, kept as its SHA-256 digest; a presented token is compared in constant
 * time (digests of equal length, {@link MessageDigest#isEqual}), so neither its content nor its
 * length leaks through timing.
 */
final class AccessToken {
  /** The fewest characters a token may have. */
  static final int MIN_LENGTH = 16;

  private final byte[] digest;

  AccessToken(String token) {
    this.digest = sha256(token);
  }

  /** Whether {@code presented} is the token; false for null. */
  boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(digest, sha256(presented));
  }

  /** Whether two secrets (CSRF tokens) are equal, in constant time; false if either is null. */
  static boolean sameSecret(String a, String b) {
    return a != null && b != null && MessageDigest.isEqual(sha256(a), sha256(b));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
