package io.nightcoral.console;

import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Login and logout: the access token, typed once into a form, opens a session whose id goes back in
 * an HttpOnly, SameSite=Strict cookie scoped to the console's path; logout (a POST with the CSRF
 * token) ends it.
 */
final class Login {
  /** The session cookie's name. */
  static final String COOKIE = "nightcoral_console";

  private static final Logger log = LoggerFactory.getLogger(Login.class);
  private static final Pattern SAFE_NEXT = Pattern.compile("/[A-Za-z0-9/._-]*");

  private final AccessToken token;
  private final Sessions sessions;

  Login(AccessToken token, Sessions sessions) {
    this.token = token;
    this.sessions = sessions;
  }

  ConsoleResponse form(Exchange ex) {
    return ConsoleResponse.html(200, page(ex, null));
  }

  ConsoleResponse login(Exchange ex) {
    ConsoleRequest req = ex.request();
    if (!token.matches(req.form("token"))) {
      log.warn("console: a wrong access token from {}", req.remote());
      if (req.wantsJson()) {
        return Json.response(403, Map.of("error", "wrong access token"));
      }
      return ConsoleResponse.html(403, page(ex, "That is not the access token."));
    }
    Sessions.Session s = sessions.open();
    log.info("console: {} logged in", req.remote());
    ConsoleResponse answer =
        req.wantsJson()
            ? Json.response(200, Map.of("csrf", s.csrf()))
            : ConsoleResponse.seeOther(req.link(next(req.form("next"))));
    return answer.header("Set-Cookie", cookie(req, s.id(), Sessions.LIFETIME.toSeconds()));
  }

  ConsoleResponse logout(Exchange ex) {
    ConsoleRequest req = ex.request();
    sessions.close(ex.access().session().id());
    ConsoleResponse answer =
        req.wantsJson()
            ? Json.response(200, Map.of("ok", true))
            : ConsoleResponse.seeOther(req.link("/"));
    return answer.header("Set-Cookie", cookie(req, "", 0));
  }

  private static String page(Exchange ex, String error) {
    ConsoleRequest req = ex.request();
    StringBuilder b = new StringBuilder(1024);
    if (ex.access().session() != null) {
      b.append("<p>You are logged in.</p>");
    }
    if (error != null) {
      b.append("<p class=\"error\">").append(Html.text(error)).append("</p>");
    }
    String next = req.form("next") != null ? req.form("next") : req.query("next");
    b.append("<form class=\"login\" method=\"post\" action=\"")
        .append(Html.href(req, "/login"))
        .append("\"><input type=\"hidden\" name=\"next\" value=\"")
        .append(Html.text(next(next)))
        .append("\"><label>Access token <input type=\"password\" name=\"token\"")
        .append(" autocomplete=\"current-password\" required autofocus></label>")
        .append("<button type=\"submit\">Log in</button></form>")
        .append("<p class=\"muted\">The access token is the one the console was started with.</p>");
    return Layout.page(ex, "", "Log in", b.toString());
  }

  /** Where to go after login: a console path, never another site. */
  private static String next(String next) {
    return next != null && SAFE_NEXT.matcher(next).matches() && !next.startsWith("//") ? next : "/";
  }

  private static String cookie(ConsoleRequest req, String value, long maxAgeSeconds) {
    String path = req.basePath().isEmpty() ? "/" : req.basePath() + "/";
    return COOKIE
        + "="
        + value
        + "; Path="
        + path
        + "; Max-Age="
        + maxAgeSeconds
        + "; HttpOnly; SameSite=Strict"
        + (req.secure() ? "; Secure" : "");
  }
}
