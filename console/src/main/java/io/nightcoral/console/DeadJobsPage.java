package io.nightcoral.console;

import io.nightcoral.DeadJob;
import io.nightcoral.NightCoral;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The dead jobs: a list, and a page for each with its text and its last error's stack; both offer
 * requeue and delete to a logged-in user.
 */
final class DeadJobsPage {
  private static final int SHOWN_CHARS = 200;

  /**
   * A dead job as the JSON endpoints show it; {@code payload} is its stored text.
   *
   * @param id its id
   * @param attempts attempts started
   * @param diedAt when it was set aside
   * @param lastError the last attempt's error with its stack, or how the worker died
   * @param payload its stored text
   * @param decodeError why the text no longer decodes as the job type, or null
   */
  record DeadJobView(
      long id,
      int attempts,
      Instant diedAt,
      String lastError,
      String payload,
      String decodeError) {}

  private final NightCoral<?> nc;
  private final Clock clock;

  DeadJobsPage(NightCoral<?> nc, Clock clock) {
    this.nc = nc;
    this.clock = clock;
  }

  ConsoleResponse listJson(Exchange ex) {
    return Json.response(200, Map.of("deadJobs", all()));
  }

  ConsoleResponse oneJson(Exchange ex) {
    DeadJobView job = find(ex.longParam(0));
    return job == null ? missing(ex) : Json.response(200, job);
  }

  ConsoleResponse list(Exchange ex) {
    List<DeadJobView> dead = all();
    Instant now = clock.instant();
    StringBuilder b = new StringBuilder(4096);
    b.append(Layout.notice(Changes.notice(ex.request())));
    if (dead.isEmpty()) {
      b.append("<p class=\"muted\">No dead job.</p>");
    } else {
      b.append(
          "<table><thead><tr><th>Id</th><th>Died</th><th>Attempts</th><th>Job</th>"
              + "<th>Last error</th><th></th></tr></thead><tbody>");
      for (DeadJobView d : dead) {
        b.append("<tr><td class=\"num\"><a href=\"")
            .append(Html.href(ex.request(), "/dead/" + d.id()))
            .append("\">")
            .append(d.id())
            .append("</a></td><td>")
            .append(Times.html(d.diedAt(), now))
            .append("</td><td class=\"num\">")
            .append(d.attempts())
            .append("</td><td><code class=\"payload\">")
            .append(Html.text(Html.cut(d.payload(), SHOWN_CHARS)))
            .append("</code></td><td class=\"error\">")
            .append(Html.text(Html.cut(Html.firstLine(d.lastError()), SHOWN_CHARS)))
            .append("</td><td class=\"actions\">")
            .append(actions(ex, d.id()))
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    return ConsoleResponse.html(200, Layout.page(ex, "/dead", "Dead jobs", b.toString()));
  }

  ConsoleResponse one(Exchange ex) {
    DeadJobView d = find(ex.longParam(0));
    if (d == null) {
      return missing(ex);
    }
    StringBuilder b = new StringBuilder(4096);
    b.append("<dl class=\"facts\"><dt>Died</dt><dd>")
        .append(Times.html(d.diedAt(), clock.instant()))
        .append("</dd><dt>Attempts</dt><dd>")
        .append(d.attempts())
        .append("</dd></dl><h2>Job</h2><pre class=\"payload\">")
        .append(Html.text(d.payload()))
        .append("</pre>");
    if (d.decodeError() != null) {
      b.append("<p class=\"error\">Its text no longer decodes as the job type: ")
          .append(Html.text(d.decodeError()))
          .append("</p>");
    }
    b.append("<h2>Last error</h2><pre class=\"stack\">")
        .append(Html.text(d.lastError()))
        .append("</pre><p class=\"actions\">")
        .append(actions(ex, d.id()))
        .append("</p>");
    return ConsoleResponse.html(200, Layout.page(ex, "/dead", "Dead job " + d.id(), b.toString()));
  }

  private static String actions(Exchange ex, long id) {
    if (!ex.access().canChange()) {
      return "";
    }
    Map<String, String> fields = Map.of("id", String.valueOf(id));
    return Layout.button(ex, "/dead/requeue", fields, "Requeue", null)
        + Layout.button(
            ex, "/dead/delete", fields, "Delete", "Delete dead job " + id + " for good?");
  }

  private ConsoleResponse missing(Exchange ex) {
    return Errors.page(
        ex.request(),
        ex.access(),
        404,
        "Not found",
        "There is no dead job " + ex.params().get(0) + " (it may have been requeued or deleted).");
  }

  private DeadJobView find(long id) {
    for (DeadJob<?> d : nc.deadJobs()) {
      if (d.id() == id) {
        return view(d);
      }
    }
    return null;
  }

  private List<DeadJobView> all() {
    List<DeadJobView> views = new ArrayList<>();
    for (DeadJob<?> d : nc.deadJobs()) {
      views.add(view(d));
    }
    return views;
  }

  private static DeadJobView view(DeadJob<?> d) {
    return new DeadJobView(
        d.id(), d.attempts(), d.diedAt(), d.lastError(), d.payload(), d.decodeError());
  }
}
