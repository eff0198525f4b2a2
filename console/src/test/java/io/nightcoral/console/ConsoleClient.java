package io.nightcoral.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/** A plain HTTP client of a console, as a script or an attacker would use it. */
final class ConsoleClient {
  /** A login: the session cookie ("name=value") and its CSRF token. */
  record Login(String cookie, String csrf) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final URI root;

  /** A client of the console at {@code root} (ending in "/"). */
  ConsoleClient(URI root) {
    this.root = root;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return get(path, null);
  }

  HttpResponse<String> get(String path, Login login) throws IOException, InterruptedException {
    HttpRequest.Builder b = request(path).GET();
    if (login != null) {
      b.header("Cookie", login.cookie());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = get(path);
    if (r.statusCode() != 200) {
      throw new AssertionError(path + " answered " + r.statusCode() + ": " + r.body());
    }
    if (!r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
      throw new AssertionError(path + " is not JSON: " + r.headers().map());
    }
    return JSON.readTree(r.body());
  }

  /** A form POST; {@code cookie} may be null, {@code json} asks for a JSON answer. */
  HttpResponse<String> post(String path, Map<String, String> form, String cookie, boolean json)
      throws IOException, InterruptedException {
    StringJoiner body = new StringJoiner("&");
    form.forEach(
        (k, v) ->
            body.add(
                URLEncoder.encode(k, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpRequest.Builder b =
        request(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    if (json) {
      b.header("Accept", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A POST with the login's cookie and CSRF token (plus {@code form}), asking for JSON. */
  HttpResponse<String> change(String path, Map<String, String> form, Login login)
      throws IOException, InterruptedException {
    Map<String, String> all = new java.util.HashMap<>(form);
    all.put("csrf", login.csrf());
    return post(path, all, login.cookie(), true);
  }

  /** Logs in with {@code token}, failing the test if refused. */
  Login login(String token) throws IOException, InterruptedException {
    HttpResponse<String> r = post("login", Map.of("token", token), null, true);
    if (r.statusCode() != 200) {
      throw new AssertionError("login answered " + r.statusCode() + ": " + r.body());
    }
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return new Login(
        setCookie.substring(0, setCookie.indexOf(';')),
        JSON.readTree(r.body()).get("csrf").asText());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30));
  }
}
