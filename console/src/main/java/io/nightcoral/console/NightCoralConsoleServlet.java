package io.nightcoral.console;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console as a Jakarta servlet (Servlet 6), for a host web app to mount under a path such as
 * {@code /nightcoral/*}; get one from {@link NightCoralConsoleBuilder#servlet()}. Its links, forms
 * and session cookie stay under the path it is mounted at. The container's {@code destroy()} stops
 * its sampler thread. Thread-safe.
 */
public final class NightCoralConsoleServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(NightCoralConsoleServlet.class);

  private final transient ConsoleHandler console;
  private final transient Sampler sampler;

  NightCoralConsoleServlet(ConsoleHandler console, Sampler sampler, String mode) {
    this.console = console;
    this.sampler = sampler;
    log.info("console servlet ready ({})", mode);
  }

  /** Answers every method through the console (GET pages and JSON, POST changes). */
  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String base;
    String path;
    if (req.getHttpServletMapping().getMappingMatch() == MappingMatch.DEFAULT) {
      base = req.getContextPath();
      path = req.getServletPath();
    } else if (req.getPathInfo() == null) { // "/console" of "/console/*": the console is below
      resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
      resp.setHeader("Location", req.getContextPath() + req.getServletPath() + "/");
      return;
    } else {
      base = req.getContextPath() + req.getServletPath();
      path = req.getPathInfo();
    }
    ConsoleRequest request;
    try {
      String method = req.getMethod().toUpperCase(Locale.ROOT);
      request =
          new ConsoleRequest(
              method,
              base,
              path,
              FormData.parse(req.getQueryString()),
              "POST".equals(method) ? firstValues(req.getParameterMap()) : Map.of(),
              cookies(req.getCookies()),
              req.getHeader("Accept"),
              req.isSecure(),
              req.getRemoteAddr());
    } catch (IllegalArgumentException e) {
      resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "Bad request: " + e.getMessage());
      return;
    }
    ConsoleResponse answer = console.handle(request);
    resp.setStatus(answer.status());
    resp.setContentType(answer.contentType());
    answer.headers().forEach(resp::setHeader);
    resp.setContentLength(answer.body().length);
    resp.getOutputStream().write(answer.body());
  }

  /** Stops the overview's sampler thread. */
  @Override
  public void destroy() {
    sampler.close();
  }

  private static Map<String, String> firstValues(Map<String, String[]> params) {
    Map<String, String> first = new HashMap<>();
    params.forEach(
        (name, values) -> {
          if (values.length > 0) {
            first.put(name, values[0]);
          }
        });
    return first;
  }

  private static Map<String, String> cookies(Cookie[] cookies) {
    Map<String, String> map = new HashMap<>();
    if (cookies != null) {
      for (Cookie c : cookies) {
        map.putIfAbsent(c.getName(), c.getValue());
      }
    }
    return map;
  }
}
