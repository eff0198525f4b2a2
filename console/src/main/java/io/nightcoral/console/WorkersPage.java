package io.nightcoral.console;

import io.nightcoral.NightCoral;
import io.nightcoral.WorkerInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The workers: process id, state, the job each runs and since when, jobs done, started at. */
final class WorkersPage {
  private final NightCoral<?> nc;
  private final Clock clock;

  WorkersPage(NightCoral<?> nc, Clock clock) {
    this.nc = nc;
    this.clock = clock;
  }

  ConsoleResponse json(Exchange ex) {
    return Json.response(200, Map.of("workers", nc.workers()));
  }

  ConsoleResponse html(Exchange ex) {
    List<WorkerInfo> workers = nc.workers();
    Instant now = clock.instant();
    StringBuilder b = new StringBuilder(2048);
    if (workers.isEmpty()) {
      b.append("<p class=\"muted\">No worker is running: the pool is not launched.</p>");
    } else {
      b.append(
          "<table><thead><tr><th>Id</th><th>Pid</th><th>State</th><th>Job</th>"
              + "<th>Running since</th><th>Jobs done</th><th>Started</th></tr></thead><tbody>");
      for (WorkerInfo w : workers) {
        String state = w.state().name().toLowerCase(Locale.ROOT);
        b.append("<tr><td class=\"num\">")
            .append(w.id())
            .append("</td><td class=\"num\">")
            .append(w.pid())
            .append("</td><td><span class=\"state state-")
            .append(state)
            .append("\">")
            .append(state)
            .append("</span></td><td class=\"num\">")
            .append(w.jobId() == 0 ? "—" : String.valueOf(w.jobId()))
            .append("</td><td>")
            .append(Times.html(w.runningSince(), now))
            .append("</td><td class=\"num\">")
            .append(w.jobsDone())
            .append("</td><td>")
            .append(Times.html(w.startedAt(), now))
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    return ConsoleResponse.html(200, Layout.page(ex, "/workers", "Workers", b.toString()));
  }
}
