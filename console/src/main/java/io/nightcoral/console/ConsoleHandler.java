package io.nightcoral.console;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console, independent of any HTTP server: routes a {@link ConsoleRequest} to its page or
 * change and answers with a {@link ConsoleResponse}. Reads are open; a change (any POST) is refused
 * with 403 before it is routed unless the console takes changes (a token, not read-only), the
 * sender is logged in, and the form carries the session's CSRF token. In a read-only console there
 * are no change routes at all. Thread-safe.
 */
final class ConsoleHandler {
  private static final Logger log = LoggerFactory.getLogger(ConsoleHandler.class);

  /** Every answer's security headers: no script, style or frame from elsewhere, no sniffing. */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
          + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final Router router = new Router();
  private final Sessions sessions;
  private final boolean changesEnabled;

  ConsoleHandler(NightCoral<?> nc, AccessToken token, Sampler sampler, Clock clock) {
    this.changesEnabled = token != null;
    this.sessions = new Sessions(clock);
    Assets assets = new Assets();
    OverviewPage overview = new OverviewPage(nc::stats, sampler);
    JobsPage jobs = new JobsPage(nc, clock);
    WorkersPage workers = new WorkersPage(nc, clock);
    DeadJobsPage dead = new DeadJobsPage(nc, clock);
    SchedulesPage schedules = new SchedulesPage(nc, clock);
    router.get("/", overview::html);
    router.get("/overview\\.json", overview::json);
    router.get("/jobs", jobs::html);
    router.get("/jobs\\.json", jobs::json);
    router.get("/workers", workers::html);
    router.get("/workers\\.json", workers::json);
    router.get("/dead", dead::list);
    router.get("/dead\\.json", dead::listJson);
    router.get("/dead/(\\d{1,18})", dead::one);
    router.get("/dead/(\\d{1,18})\\.json", dead::oneJson);
    router.get("/schedules", schedules::html);
    router.get("/schedules\\.json", schedules::json);
    router.get("/assets/console\\.css", assets::css);
    router.get("/assets/console\\.js", assets::js);
    if (changesEnabled) {
      Login login = new Login(token, sessions);
      Changes changes = new Changes(nc);
      router.get("/login", login::form);
      router.post("/login", login::login);
      router.post("/logout", login::logout);
      router.post("/dead/requeue", changes::requeueDead);
      router.post("/dead/delete", changes::deleteDead);
      router.post("/schedules/run", changes::runScheduleNow);
      router.post("/schedules/remove", changes::unschedule);
    }
  }

  /** Answers {@code req}; never throws. */
  ConsoleResponse handle(ConsoleRequest req) {
    Exchange.Access access =
        new Exchange.Access(changesEnabled, changesEnabled ? sessions.find(cookie(req)) : null);
    ConsoleResponse answer;
    try {
      answer = route(req, access);
    } catch (IllegalArgumentException e) {
      answer = Errors.page(req, access, 400, "Bad request", e.getMessage());
    } catch (NightCoralException e) {
      log.warn("console: {} {}: {}", req.method(), req.path(), e.getMessage());
      answer = Errors.page(req, access, 503, "Unavailable", e.getMessage());
    } catch (RuntimeException e) {
      log.error("console: {} {} failed", req.method(), req.path(), e);
      answer = Errors.page(req, access, 500, "Error", "The console failed: " + e);
    }
    return answer
        .header("Content-Security-Policy", CSP)
        .header("X-Content-Type-Options", "nosniff")
        .header("X-Frame-Options", "DENY")
        .header("Referrer-Policy", "no-referrer")
        .header("Cache-Control", "no-store");
  }

  private ConsoleResponse route(ConsoleRequest req, Exchange.Access access) {
    if (!"POST".equals(req.method())) {
      return router.dispatch(req, access);
    }
    if (!changesEnabled) {
      return refuse(req, access, "This console is read-only: it takes no changes.");
    }
    if ("/login".equals(req.path())) {
      return router.dispatch(req, access);
    }
    if (access.session() == null) {
      return refuse(req, access, "Log in with the access token first.");
    }
    if (!AccessToken.sameSecret(req.form("csrf"), access.csrf())) {
      return refuse(req, access, "The form's CSRF token is missing or wrong: reload the page.");
    }
    return router.dispatch(req, access);
  }

  private static ConsoleResponse refuse(ConsoleRequest req, Exchange.Access access, String why) {
    log.warn("console: refused {} {} from {}: {}", req.method(), req.path(), req.remote(), why);
    return Errors.page(req, access, 403, "Forbidden", why);
  }

  private static String cookie(ConsoleRequest req) {
    return req.cookies().get(Login.COOKIE);
  }
}
