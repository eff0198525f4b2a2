package io.nightcoral.console;

import java.util.Map;

/** Error answers: a page, or JSON {@code {"error": "..."}} for callers that asked for JSON. */
final class Errors {
  private Errors() {}

  static ConsoleResponse page(
      ConsoleRequest req, Exchange.Access access, int status, String title, String message) {
    if (req.wantsJson() || req.path().endsWith(".json")) {
      return Json.response(status, Map.of("error", message));
    }
    return ConsoleResponse.html(
        status,
        Layout.page(req, access, "", title, "<p class=\"error\">" + Html.text(message) + "</p>"));
  }
}
