package io.nightcoral.console;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a method and a path (a regular expression whose groups are the path's parameters) to a
 * route; the first route that matches answers.
 */
final class Router {
  /** Answers one request. */
  interface Route {
    ConsoleResponse handle(Exchange exchange);
  }

  private record Entry(String method, Pattern path, Route route) {}

  private final List<Entry> entries = new ArrayList<>();

  void get(String path, Route route) {
    entries.add(new Entry("GET", Pattern.compile(path), route));
  }

  void post(String path, Route route) {
    entries.add(new Entry("POST", Pattern.compile(path), route));
  }

  /** The route for {@code method} and {@code path}, with the path's parameters, or a 404/405. */
  ConsoleResponse dispatch(ConsoleRequest request, Exchange.Access access) {
    boolean otherMethod = false;
    for (Entry e : entries) {
      Matcher m = e.path.matcher(request.path());
      if (!m.matches()) {
        continue;
      }
      if (!e.method.equals(request.method())) {
        otherMethod = true;
        continue;
      }
      List<String> params = new ArrayList<>(m.groupCount());
      for (int i = 1; i <= m.groupCount(); i++) {
        params.add(m.group(i));
      }
      return e.route.handle(new Exchange(request, params, access));
    }
    return otherMethod
        ? Errors.page(
            request, access, 405, "Method not allowed", request.method() + " is not taken here.")
        : Errors.page(
            request, access, 404, "Not found", "There is no page " + request.path() + ".");
  }
}
