package io.nightcoral.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.commons.text.StringEscapeUtils;

/**
 * Escaping for the pages: every text that reaches HTML (a job's text, an error, a key, a name) goes
 * through {@link #text}, inside elements or double-quoted attributes alike.
 */
final class Html {
  private Html() {}

  /** {@code value} as HTML text (null as ""), safe in element content and "-quoted attributes. */
  static String text(Object value) {
    return value == null ? "" : StringEscapeUtils.escapeHtml4(String.valueOf(value));
  }

  /**
   * A console link with a query, escaped for an href attribute; fields with null values left out.
   */
  static String href(ConsoleRequest request, String path, Map<String, String> query) {
    return text(hrefRaw(request, path, query));
  }

  /** A console link with a query, URL-encoded but not HTML-escaped (for a Location header). */
  static String hrefRaw(ConsoleRequest request, String path, Map<String, String> query) {
    StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
    query.forEach(
        (k, v) -> {
          if (v != null && !v.isEmpty()) {
            q.add(encode(k) + "=" + encode(v));
          }
        });
    return request.link(path) + q;
  }

  /** A console link, escaped for an href attribute. */
  static String href(ConsoleRequest request, String path) {
    return text(request.link(path));
  }

  /** {@code s} cut to {@code max} characters, with "…" when cut. */
  static String cut(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    return s.substring(0, max) + "…";
  }

  /** The first line of {@code s}. */
  static String firstLine(String s) {
    if (s == null) {
      return null;
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
