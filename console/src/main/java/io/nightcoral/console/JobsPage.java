package io.nightcoral.console;

import io.nightcoral.JobFilter;
import io.nightcoral.JobState;
import io.nightcoral.NightCoral;
import io.nightcoral.StoredJob;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The queue and the timers, a page at a time by id: filtered by state, key and priority, oldest or
 * newest first (query fields {@code state}, {@code key}, {@code priority}, {@code order}, {@code
 * after}, {@code limit}).
 */
final class JobsPage {
  /** Jobs a page shows unless {@code limit} says otherwise. */
  static final int PAGE = 50;

  private static final int SHOWN_CHARS = 300;

  /**
   * A job as the JSON endpoint lists it; {@code payload} is its stored text.
   *
   * @param id its id
   * @param state where it is
   * @param key its unique key, or null
   * @param priority its priority
   * @param dueAt when it is due
   * @param createdAt when it was stored
   * @param attempts attempts started
   * @param lastError the last failed attempt's error, or null
   * @param payload its stored text
   */
  record JobView(
      long id,
      JobState state,
      String key,
      int priority,
      Instant dueAt,
      Instant createdAt,
      int attempts,
      String lastError,
      String payload) {}

  private final NightCoral<?> nc;
  private final Clock clock;

  JobsPage(NightCoral<?> nc, Clock clock) {
    this.nc = nc;
    this.clock = clock;
  }

  ConsoleResponse json(Exchange ex) {
    Query q = Query.of(ex.request());
    List<JobView> jobs = list(q);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("jobs", jobs);
    body.put("next", jobs.size() == q.limit ? jobs.get(jobs.size() - 1).id() : null);
    return Json.response(200, body);
  }

  ConsoleResponse html(Exchange ex) {
    Query q = Query.of(ex.request());
    List<JobView> jobs = list(q);
    Instant now = clock.instant();
    StringBuilder b = new StringBuilder(8192);
    b.append(filterForm(ex, q));
    if (jobs.isEmpty()) {
      b.append("<p class=\"muted\">No unfinished job matches.</p>");
    } else {
      b.append(
          "<table><thead><tr><th>Id</th><th>State</th><th>Key</th><th>Priority</th><th>Due</th>"
              + "<th>Created</th><th>Attempts</th><th>Job</th><th>Last error</th></tr></thead><tbody>");
      for (JobView j : jobs) {
        b.append("<tr><td class=\"num\">")
            .append(j.id())
            .append("</td><td><span class=\"state state-")
            .append(j.state().name().toLowerCase(Locale.ROOT))
            .append("\">")
            .append(j.state().name().toLowerCase(Locale.ROOT))
            .append("</span></td><td>")
            .append(Html.text(j.key()))
            .append("</td><td class=\"num\">")
            .append(j.priority())
            .append("</td><td>")
            .append(Times.html(j.dueAt(), now))
            .append("</td><td>")
            .append(Times.html(j.createdAt(), now))
            .append("</td><td class=\"num\">")
            .append(j.attempts())
            .append("</td><td><code class=\"payload\">")
            .append(Html.text(Html.cut(j.payload(), SHOWN_CHARS)))
            .append("</code></td><td class=\"error\">")
            .append(Html.text(Html.cut(Html.firstLine(j.lastError()), SHOWN_CHARS)))
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    b.append("<p class=\"pager\">");
    if (q.after != null) {
      b.append("<a href=\"")
          .append(Html.href(ex.request(), "/jobs", q.fields(null)))
          .append("\">First page</a> ");
    }
    if (jobs.size() == q.limit) {
      b.append("<a rel=\"next\" href=\"")
          .append(
              Html.href(
                  ex.request(), "/jobs", q.fields(String.valueOf(jobs.get(jobs.size() - 1).id()))))
          .append("\">Next page</a>");
    }
    b.append("</p>");
    return ConsoleResponse.html(200, Layout.page(ex, "/jobs", "Queue and timers", b.toString()));
  }

  private List<JobView> list(Query q) {
    List<JobView> views = new ArrayList<>();
    for (StoredJob<?> j : nc.jobs(q.filter())) {
      views.add(
          new JobView(
              j.id(),
              j.state(),
              j.key(),
              j.priority(),
              j.dueAt(),
              j.createdAt(),
              j.attempts(),
              j.lastError(),
              j.payload()));
    }
    return views;
  }

  private static String filterForm(Exchange ex, Query q) {
    StringBuilder b = new StringBuilder(1024);
    b.append("<form class=\"filter\" method=\"get\" action=\"")
        .append(Html.href(ex.request(), "/jobs"))
        .append("\"><label>State <select name=\"state\">");
    option(b, "", "any", q.state);
    option(b, "queued", "queued and running", q.state);
    option(b, "timer", "timers", q.state);
    option(b, "retrying", "retrying", q.state);
    b.append("</select></label><label>Key <input name=\"key\" value=\"")
        .append(Html.text(q.key))
        .append("\"></label><label>Priority <input name=\"priority\" size=\"5\" value=\"")
        .append(Html.text(q.priority))
        .append("\"></label><label>Order <select name=\"order\">");
    option(b, "oldest", "oldest first", q.order);
    option(b, "newest", "newest first", q.order);
    b.append("</select></label><button type=\"submit\">Show</button></form>");
    return b.toString();
  }

  private static void option(StringBuilder b, String value, String label, String chosen) {
    b.append("<option value=\"")
        .append(Html.text(value))
        .append('"')
        .append(value.equals(chosen == null ? "" : chosen) ? " selected" : "")
        .append('>')
        .append(Html.text(label))
        .append("</option>");
  }

  /** The page's query fields, checked. */
  private record Query(
      String state, String key, String priority, String order, String after, int limit) {

    static Query of(ConsoleRequest r) {
      String state = blankToNull(r.query("state"));
      String order = blankToNull(r.query("order"));
      String limit = blankToNull(r.query("limit"));
      return new Query(
          state == null ? null : state.toLowerCase(Locale.ROOT),
          blankToNull(r.query("key")),
          blankToNull(r.query("priority")),
          order == null ? "oldest" : order.toLowerCase(Locale.ROOT),
          blankToNull(r.query("after")),
          limit == null ? PAGE : number("limit", limit));
    }

    JobFilter filter() {
      JobFilter f = JobFilter.all().limit(limit);
      if (state != null) {
        f =
            switch (state) {
              case "queued" -> f.state(JobState.QUEUED);
              case "timer" -> f.state(JobState.TIMER);
              case "retrying" -> f.state(JobState.RETRYING);
              default ->
                  throw new IllegalArgumentException(
                      "state must be queued, timer or retrying, was " + state);
            };
      }
      if (key != null) {
        f = f.key(key);
      }
      if (priority != null) {
        f = f.priority(number("priority", priority));
      }
      f =
          switch (order) {
            case "oldest" -> f.oldestFirst();
            case "newest" -> f.newestFirst();
            default ->
                throw new IllegalArgumentException("order must be oldest or newest, was " + order);
          };
      if (after != null) {
        try {
          f = f.after(Long.parseLong(after));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("after must be a job id, was " + after, e);
        }
      }
      return f;
    }

    /** The query fields of this filter's page after {@code afterId} (null: the first page). */
    Map<String, String> fields(String afterId) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("state", state);
      m.put("key", key);
      m.put("priority", priority);
      m.put("order", "oldest".equals(order) ? null : order);
      m.put("limit", limit == PAGE ? null : String.valueOf(limit));
      m.put("after", afterId);
      return m;
    }

    private static int number(String field, String value) {
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(field + " must be a whole number, was " + value, e);
      }
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }
}
