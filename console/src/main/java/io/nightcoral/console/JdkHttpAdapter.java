package io.nightcoral.console;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries requests from the JDK's HTTP server to the console and back. On a loopback address it
 * answers only requests whose Host is a loopback name, so a web page cannot read the console
 * through a DNS name rebound to 127.0.0.1.
 */
final class JdkHttpAdapter implements HttpHandler {
  /** The largest form body taken. */
  static final int MAX_BODY = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(JdkHttpAdapter.class);
  private static final Pattern LOOPBACK_V4 =
      Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private final ConsoleHandler console;
  private final boolean loopbackOnly;

  JdkHttpAdapter(ConsoleHandler console, boolean loopbackOnly) {
    this.console = console;
    this.loopbackOnly = loopbackOnly;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      ConsoleResponse answer;
      if (loopbackOnly && !loopbackHost(ex.getRequestHeaders().getFirst("Host"))) {
        answer = ConsoleResponse.text(421, "This console answers only to localhost.");
      } else {
        answer = answer(ex);
      }
      send(ex, answer);
    } catch (IOException | RuntimeException e) {
      log.debug(
          "console: {} {} from {}: {}",
          ex.getRequestMethod(),
          ex.getRequestURI(),
          ex.getRemoteAddress(),
          e.toString());
    }
  }

  private ConsoleResponse answer(HttpExchange ex) throws IOException {
    byte[] body = readBody(ex.getRequestBody());
    if (body == null) {
      return ConsoleResponse.text(413, "The form is larger than " + MAX_BODY + " bytes.");
    }
    ConsoleRequest req;
    try {
      req = request(ex, body);
    } catch (IllegalArgumentException e) {
      return ConsoleResponse.text(400, "Bad request: " + e.getMessage());
    }
    return console.handle(req);
  }

  private static ConsoleRequest request(HttpExchange ex, byte[] body) {
    Headers h = ex.getRequestHeaders();
    String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
    boolean form =
        "POST".equals(method)
            && String.valueOf(h.getFirst("Content-Type"))
                .toLowerCase(Locale.ROOT)
                .startsWith("application/x-www-form-urlencoded");
    Map<String, String> query = FormData.parse(ex.getRequestURI().getRawQuery());
    Map<String, String> fields =
        form ? FormData.parse(new String(body, StandardCharsets.UTF_8)) : Map.of();
    return new ConsoleRequest(
        method,
        "",
        ex.getRequestURI().getPath(),
        query,
        fields,
        FormData.cookies(h.get("Cookie")),
        h.getFirst("Accept"),
        false,
        String.valueOf(ex.getRemoteAddress()));
  }

  /** The body, or null when it is longer than {@link #MAX_BODY}. */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY + 1);
    return body.length > MAX_BODY ? null : body;
  }

  private static void send(HttpExchange ex, ConsoleResponse answer) throws IOException {
    Headers h = ex.getResponseHeaders();
    h.set("Content-Type", answer.contentType());
    h.set("X-Content-Type-Options", "nosniff");
    answer.headers().forEach(h::set);
    byte[] body = answer.body();
    boolean head = "HEAD".equalsIgnoreCase(ex.getRequestMethod());
    ex.sendResponseHeaders(answer.status(), body.length == 0 || head ? -1 : body.length);
    if (body.length > 0 && !head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static boolean loopbackHost(String host) {
    if (host == null) {
      return true; // HTTP/1.0: no name to rebind
    }
    String name = host.trim().toLowerCase(Locale.ROOT);
    if (name.startsWith("[")) {
      int end = name.indexOf(']');
      name = end < 0 ? name : name.substring(0, end + 1);
    } else if (name.indexOf(':') >= 0) {
      name = name.substring(0, name.indexOf(':'));
    }
    return name.equals("localhost") || name.equals("[::1]") || LOOPBACK_V4.matcher(name).matches();
  }
}
