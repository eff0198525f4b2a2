package io.nightcoral.console;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Parses query strings, url-encoded form bodies and Cookie headers into first-value maps. */
final class FormData {
  private FormData() {}

  /**
   * The fields of {@code raw} ({@code a=1&b=two}), first value of each; an empty map for null.
   *
   * @throws IllegalArgumentException for a bad %-escape
   */
  static Map<String, String> parse(String raw) {
    Map<String, String> fields = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return fields;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      fields.putIfAbsent(name, value);
    }
    return fields;
  }

  /** The cookies of the Cookie headers {@code headers} (null for none), first value of each. */
  static Map<String, String> cookies(List<String> headers) {
    Map<String, String> cookies = new HashMap<>();
    if (headers == null) {
      return cookies;
    }
    for (String header : headers) {
      for (String part : header.split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          cookies.putIfAbsent(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
      }
    }
    return cookies;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
