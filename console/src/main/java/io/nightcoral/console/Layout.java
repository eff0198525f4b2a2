package io.nightcoral.console;

import java.util.Map;

/** The frame of every page: head, navigation, login state, and the page's own body. */
final class Layout {
  private static final String[][] NAV = {
    {"/", "Overview"},
    {"/jobs", "Queue and timers"},
    {"/workers", "Workers"},
    {"/dead", "Dead jobs"},
    {"/schedules", "Schedules"},
  };

  private Layout() {}

  /** A whole page; {@code body} is HTML the caller built (with every text escaped). */
  static String page(Exchange ex, String active, String title, String body) {
    return page(ex.request(), ex.access(), active, title, body);
  }

  /** A whole page; {@code body} is HTML the caller built (with every text escaped). */
  static String page(
      ConsoleRequest req, Exchange.Access access, String active, String title, String body) {
    StringBuilder h = new StringBuilder(4096 + body.length());
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>")
        .append(Html.text(title))
        .append(" · NightCoral</title>")
        .append("<link rel=\"stylesheet\" href=\"")
        .append(Html.href(req, "/assets/console.css"))
        .append("\">")
        .append("<script defer src=\"")
        .append(Html.href(req, "/assets/console.js"))
        .append("\"></script></head><body>");
    h.append("<header><a class=\"brand\" href=\"")
        .append(Html.href(req, "/"))
        .append("\">NightCoral</a><nav>");
    for (String[] item : NAV) {
      h.append("<a href=\"")
          .append(Html.href(req, item[0]))
          .append('"')
          .append(item[0].equals(active) ? " class=\"active\" aria-current=\"page\"" : "")
          .append('>')
          .append(Html.text(item[1]))
          .append("</a>");
    }
    h.append("</nav><div class=\"who\">").append(who(req, access)).append("</div></header>");
    h.append("<main><h1>").append(Html.text(title)).append("</h1>").append(body);
    h.append("</main></body></html>\n");
    return h.toString();
  }

  /** A hidden CSRF field and a button, posting {@code fields} to {@code path}. */
  static String button(
      Exchange ex, String path, Map<String, String> fields, String label, String confirm) {
    StringBuilder h = new StringBuilder(256);
    h.append("<form class=\"inline\" method=\"post\" action=\"")
        .append(Html.href(ex.request(), path))
        .append('"');
    if (confirm != null) {
      h.append(" data-confirm=\"").append(Html.text(confirm)).append('"');
    }
    h.append("><input type=\"hidden\" name=\"csrf\" value=\"")
        .append(Html.text(ex.access().csrf()))
        .append("\">");
    fields.forEach(
        (k, v) ->
            h.append("<input type=\"hidden\" name=\"")
                .append(Html.text(k))
                .append("\" value=\"")
                .append(Html.text(v))
                .append("\">"));
    h.append("<button type=\"submit\">").append(Html.text(label)).append("</button></form>");
    return h.toString();
  }

  /** A notice at the top of a page, or "" for null. */
  static String notice(String message) {
    return message == null
        ? ""
        : "<p class=\"notice\" role=\"status\">" + Html.text(message) + "</p>";
  }

  private static String who(ConsoleRequest req, Exchange.Access access) {
    if (!access.changesEnabled()) {
      return "<span class=\"badge\" title=\"This console shows, and changes nothing\">read-only</span>";
    }
    if (access.session() == null) {
      return "<a href=\""
          + Html.href(req, "/login", Map.of("next", req.path()))
          + "\">Log in to make changes</a>";
    }
    return "<form class=\"inline\" method=\"post\" action=\""
        + Html.href(req, "/logout")
        + "\"><input type=\"hidden\" name=\"csrf\" value=\""
        + Html.text(access.csrf())
        + "\"><button type=\"submit\" class=\"link\">Log out</button></form>";
  }
}
