package io.nightcoral.console;

import java.util.Map;

/**
 * One HTTP request as the console sees it, whichever server carried it: the method, the path below
 * the console's root, the first value of each query and form field, and the cookies.
 *
 * @param method GET, POST, ...
 * @param basePath where the console is mounted ("" standalone, "/ops/console" in a host app)
 * @param path the path below {@code basePath}, starting with "/"
 * @param query the query string's fields
 * @param form the form body's fields (POST only)
 * @param cookies the cookies sent
 * @param accept the Accept header, or ""
 * @param secure whether it came over HTTPS
 * @param remote who sent it, for the log
 */
record ConsoleRequest(
    String method,
    String basePath,
    String path,
    Map<String, String> query,
    Map<String, String> form,
    Map<String, String> cookies,
    String accept,
    boolean secure,
    String remote) {

  ConsoleRequest {
    query = Map.copyOf(query);
    form = Map.copyOf(form);
    cookies = Map.copyOf(cookies);
    accept = accept == null ? "" : accept;
  }

  /** A query field, or null. */
  String query(String name) {
    return query.get(name);
  }

  /** A form field, or null. */
  String form(String name) {
    return form.get(name);
  }

  /** Whether the caller asked for JSON rather than a page. */
  boolean wantsJson() {
    return accept.contains("application/json");
  }

  /** The absolute path of a console path, for links: {@code link("/jobs")}. */
  String link(String consolePath) {
    return basePath + consolePath;
  }
}
