package io.nightcoral.internal.store.sqlite;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** Writes strings as one JSON array, which SQLite's {@code json_each} reads back as rows. */
final class JsonStrings {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonStrings() {}

  /** The JSON array of {@code strings}, in order. */
  static String array(List<String> strings) {
    StringWriter out = new StringWriter(strings.size() * 64);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartArray();
      for (String s : strings) {
        json.writeString(s);
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }
}
