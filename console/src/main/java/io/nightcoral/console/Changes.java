package io.nightcoral.console;

import io.nightcoral.NightCoral;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes a logged-in user can make: requeue or delete a dead job, run a schedule now or remove
 * it. Each is a POST whose access token and CSRF token the console checked before; each answers a
 * form with a redirect to its page (a notice on it), or JSON {@code {"ok":true}} to a caller that
 * asked for JSON; a 404 when there is no such dead job or schedule.
 */
final class Changes {
  private static final Logger log = LoggerFactory.getLogger(Changes.class);

  private final NightCoral<?> nc;

  Changes(NightCoral<?> nc) {
    this.nc = nc;
  }

  ConsoleResponse requeueDead(Exchange ex) {
    long id = id(ex);
    boolean done = nc.requeueDead(id);
    return answer(
        ex, done, "requeued dead job " + id, "/dead", "requeued", "id", String.valueOf(id));
  }

  ConsoleResponse deleteDead(Exchange ex) {
    long id = id(ex);
    boolean done = nc.deleteDead(id);
    return answer(ex, done, "deleted dead job " + id, "/dead", "deleted", "id", String.valueOf(id));
  }

  ConsoleResponse runScheduleNow(Exchange ex) {
    String name = name(ex);
    boolean done = nc.runScheduleNow(name);
    return answer(ex, done, "ran schedule " + name, "/schedules", "ran", "name", name);
  }

  ConsoleResponse unschedule(Exchange ex) {
    String name = name(ex);
    boolean done = nc.unschedule(name);
    return answer(ex, done, "removed schedule " + name, "/schedules", "removed", "name", name);
  }

  /** The notice a page shows after a change redirected to it, or null. */
  static String notice(ConsoleRequest req) {
    String done = req.query("done");
    String id = req.query("id");
    String name = req.query("name");
    if (done == null) {
      return null;
    }
    return switch (done) {
      case "requeued" -> "Dead job " + id + " is queued again.";
      case "deleted" -> "Dead job " + id + " is deleted.";
      case "ran" -> "The job of schedule " + name + " is queued.";
      case "removed" -> "Schedule " + name + " is removed.";
      default -> null;
    };
  }

  private ConsoleResponse answer(
      Exchange ex,
      boolean done,
      String what,
      String page,
      String code,
      String field,
      String value) {
    ConsoleRequest req = ex.request();
    if (!done) {
      String thing = field.equals("id") ? "dead job " + value : "schedule " + value;
      return Errors.page(req, ex.access(), 404, "Not found", "There is no " + thing + ".");
    }
    log.info("console: {} {}", req.remote(), what);
    if (req.wantsJson()) {
      return Json.response(200, Map.of("ok", true));
    }
    return ConsoleResponse.seeOther(Html.hrefRaw(req, page, Map.of("done", code, field, value)));
  }

  private static long id(Exchange ex) {
    String id = ex.request().form("id");
    try {
      return Long.parseLong(id == null ? "" : id.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("id must be a dead job's id, was " + id, e);
    }
  }

  private static String name(Exchange ex) {
    String name = ex.request().form("name");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must be a schedule's name");
    }
    return name;
  }
}
