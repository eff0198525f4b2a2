package io.nightcoral.console;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One HTTP response: status, content type, extra headers and body bytes. */
final class ConsoleResponse {
  static final String HTML = "text/html; charset=utf-8";
  static final String JSON = "application/json; charset=utf-8";
  static final String TEXT = "text/plain; charset=utf-8";

  private final int status;
  private final String contentType;
  private final byte[] body;
  private final Map<String, String> headers = new LinkedHashMap<>();

  ConsoleResponse(int status, String contentType, byte[] body) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
  }

  static ConsoleResponse html(int status, String html) {
    return new ConsoleResponse(status, HTML, html.getBytes(StandardCharsets.UTF_8));
  }

  static ConsoleResponse text(int status, String text) {
    return new ConsoleResponse(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A 303 to {@code location} (an absolute path): the answer to a form's POST. */
  static ConsoleResponse seeOther(String location) {
    return new ConsoleResponse(303, TEXT, new byte[0]).header("Location", location);
  }

  /** Adds (or replaces) a header; returns this. */
  ConsoleResponse header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  int status() {
    return status;
  }

  String contentType() {
    return contentType;
  }

  byte[] body() {
    return body;
  }

  Map<String, String> headers() {
    return headers;
  }
}
