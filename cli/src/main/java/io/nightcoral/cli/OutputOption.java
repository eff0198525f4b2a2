package io.nightcoral.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** How a command prints its result: text for people, or with {@code --json} one JSON document. */
final class OutputOption {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS) // ISO-8601 text
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  @Option(
      names = "--json",
      description = "print one JSON document for scripts (full texts, ISO-8601 times)")
  private boolean json;

  /** Prints {@code value} as JSON with {@code --json}, otherwise what {@code text} writes. */
  void print(PrintWriter out, Object value, Consumer<PrintWriter> text) {
    if (json) {
      try {
        out.println(JSON.writeValueAsString(value));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      text.accept(out);
    }
    out.flush();
  }
}
