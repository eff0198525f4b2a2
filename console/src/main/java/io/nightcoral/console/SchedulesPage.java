package io.nightcoral.console;

import io.nightcoral.NightCoral;
import io.nightcoral.ScheduledJob;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The recurring jobs: schedule, next and last run, skips, the job; run now and remove. */
final class SchedulesPage {
  private static final int SHOWN_CHARS = 200;

  /**
   * A recurring job as the JSON endpoint lists it; {@code payload} is its job's stored text.
   *
   * @param name its name
   * @param schedule its schedule's text
   * @param nextRun when it next fires, or null
   * @param lastRun when it last fired, or null
   * @param skipped firings skipped because the previous job had not finished
   * @param payload the stored text of the job it adds
   */
  record ScheduleView(
      String name,
      String schedule,
      Instant nextRun,
      Instant lastRun,
      long skipped,
      String payload) {}

  private final NightCoral<?> nc;
  private final Clock clock;

  SchedulesPage(NightCoral<?> nc, Clock clock) {
    this.nc = nc;
    this.clock = clock;
  }

  ConsoleResponse json(Exchange ex) {
    return Json.response(200, Map.of("schedules", all()));
  }

  ConsoleResponse html(Exchange ex) {
    List<ScheduleView> schedules = all();
    Instant now = clock.instant();
    StringBuilder b = new StringBuilder(4096);
    b.append(Layout.notice(Changes.notice(ex.request())));
    if (schedules.isEmpty()) {
      b.append("<p class=\"muted\">No recurring job.</p>");
    } else {
      b.append(
          "<table><thead><tr><th>Name</th><th>Schedule</th><th>Next run</th><th>Last run</th>"
              + "<th>Skipped</th><th>Job</th><th></th></tr></thead><tbody>");
      for (ScheduleView s : schedules) {
        b.append("<tr><td>")
            .append(Html.text(s.name()))
            .append("</td><td><code>")
            .append(Html.text(s.schedule()))
            .append("</code></td><td>")
            .append(Times.html(s.nextRun(), now))
            .append("</td><td>")
            .append(Times.html(s.lastRun(), now))
            .append("</td><td class=\"num\">")
            .append(s.skipped())
            .append("</td><td><code class=\"payload\">")
            .append(Html.text(Html.cut(s.payload(), SHOWN_CHARS)))
            .append("</code></td><td class=\"actions\">")
            .append(actions(ex, s.name()))
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    return ConsoleResponse.html(200, Layout.page(ex, "/schedules", "Schedules", b.toString()));
  }

  private static String actions(Exchange ex, String name) {
    if (!ex.access().canChange()) {
      return "";
    }
    Map<String, String> fields = Map.of("name", name);
    return Layout.button(ex, "/schedules/run", fields, "Run now", null)
        + Layout.button(
            ex, "/schedules/remove", fields, "Remove", "Remove the schedule " + name + "?");
  }

  private List<ScheduleView> all() {
    List<ScheduleView> views = new ArrayList<>();
    for (ScheduledJob<?> s : nc.schedules()) {
      views.add(
          new ScheduleView(
              s.name(), s.schedule(), s.nextRun(), s.lastRun(), s.skipped(), s.payload()));
    }
    return views;
  }
}
