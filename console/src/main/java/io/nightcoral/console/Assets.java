package io.nightcoral.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The style sheet and the script, read once from the jar: the pages load nothing from elsewhere.
 */
final class Assets {
  private final byte[] css = read("console.css");
  private final byte[] js = read("console.js");

  ConsoleResponse css(Exchange ex) {
    return new ConsoleResponse(200, "text/css; charset=utf-8", css);
  }

  ConsoleResponse js(Exchange ex) {
    return new ConsoleResponse(200, "text/javascript; charset=utf-8", js);
  }

  private static byte[] read(String name) {
    try (InputStream in = Assets.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the console's jar lacks " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the console's " + name, e);
    }
  }
}
