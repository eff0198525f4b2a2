package io.nightcoral.internal.pool;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.google.protobuf.MessageLite;
import io.nightcoral.protocol.Frames;
import io.nightcoral.worker.JobHandler;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The class path of the worker children, for whichever way the server is packaged. From a plain
 * class path or a shaded jar, the runtime's classes come from files a child can load as they are;
 * from a Spring Boot executable jar ({@code java -jar app.jar}) they come from jars nested in it,
 * which a {@link JarCache} unpacks, and every nested jar and the application's classes go on the
 * child's class path in place of the executable jar. The runtime's own entries come first, then the
 * server's class path, then the extra entries. Thread-safe.
 */
final class ChildClasspath {
  /** Classes a child needs from the server's class path: the runtime and what it uses. */
  private static final List<Class<?>> RUNTIME =
      List.of(
          JobHandler.class,
          Frames.class,
          MessageLite.class,
          ObjectMapper.class,
          JsonParser.class,
          JsonProperty.class,
          JavaTimeModule.class);

  private final List<String> runtime;
  private final String classpath;
  private final JarCache cache;
  private final Path bootJar;
  private JarCache.Unpacked unpacked; // guarded by this

  private ChildClasspath(
      List<String> runtime, String classpath, JarCache cache, Path bootJar, JarCache.Unpacked u) {
    this.runtime = List.copyOf(runtime);
    this.classpath = classpath;
    this.cache = cache;
    this.bootJar = bootJar;
    this.unpacked = u;
  }

  /**
   * The class path for children of this JVM, with {@code extra} entries last; jars nested in a
   * Spring Boot executable jar are unpacked into {@code cache}.
   *
   * @throws IOException saying why, when nested jars cannot be unpacked
   */
  static ChildClasspath of(List<Path> extra, JarCache cache) throws IOException {
    Set<String> runtime = new LinkedHashSet<>();
    List<Nested> nested = new ArrayList<>();
    for (Class<?> c : RUNTIME) {
      URL location = location(c);
      String file = location == null ? null : fileOf(location);
      Nested n = location == null || file != null ? null : Nested.parse(location.toString());
      if (file != null) {
        runtime.add(file);
      } else if (n != null) {
        nested.add(n);
      }
    }
    Set<String> entries = new LinkedHashSet<>();
    Path bootJar = null;
    JarCache.Unpacked unpacked = null;
    if (!nested.isEmpty()) {
      bootJar = nested.get(0).jar();
      unpacked = cache.unpack(bootJar);
      for (Nested n : nested) {
        if (!n.jar().equals(bootJar)) {
          throw new IOException(
              "the worker runtime's classes are nested in two jars: " + bootJar + ", " + n.jar());
        }
        Path file = unpacked.entries().get(n.entry());
        if (file == null) {
          throw new IOException(
              n.entry() + " in " + bootJar + " is not among the jars unpacked for the children");
        }
        runtime.add(file.toString());
      }
    }
    entries.addAll(runtime);
    if (unpacked != null) {
      unpacked.classpath().forEach(p -> entries.add(p.toString()));
    }
    // the server's class path, and its module path (a server on the module path has its jars,
    // and maybe its handler, there)
    for (String path : List.of("java.class.path", "jdk.module.path")) {
      for (String entry : System.getProperty(path, "").split(File.pathSeparator)) {
        if (!entry.isEmpty() && !isFile(entry, bootJar)) {
          entries.add(entry);
        }
      }
    }
    for (Path p : extra) {
      entries.add(p.toAbsolutePath().toString());
    }
    return new ChildClasspath(
        List.copyOf(runtime), String.join(File.pathSeparator, entries), cache, bootJar, unpacked);
  }

  /** The entries that hold the runtime's own classes, for the class-data archive. */
  List<String> runtime() {
    return runtime;
  }

  /**
   * The class path, with the unpacked jars checked first and unpacked again if something (such as a
   * cleaner of the temporary folder) removed them.
   *
   * @throws IOException saying why, when they cannot be unpacked again
   */
  synchronized String current() throws IOException {
    if (unpacked != null && !unpacked.intact()) {
      unpacked = cache.unpack(bootJar);
    }
    return classpath;
  }

  private static boolean isFile(String entry, Path file) {
    if (file == null) {
      return false;
    }
    try {
      return Files.isSameFile(Path.of(entry), file);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static URL location(Class<?> c) {
    CodeSource source = c.getProtectionDomain().getCodeSource();
    return source == null ? null : source.getLocation();
  }

  /** The file or folder of a {@code file:} location, else null. */
  static String fileOf(URL location) {
    if (!"file".equals(location.getProtocol())) {
      return null;
    }
    try {
      return Path.of(location.toURI()).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * A class-path entry nested in a Spring Boot executable jar, as its launcher names it: {@code
   * jar:nested:/app.jar/!BOOT-INF/lib/x.jar!/} (Spring Boot 3.2 and later) or {@code
   * jar:file:/app.jar!/BOOT-INF/lib/x.jar!/} (earlier, and the classic loader).
   *
   * @param jar the executable jar
   * @param entry the entry's name in it, without a trailing slash ({@code BOOT-INF/classes})
   */
  record Nested(Path jar, String entry) {
    private static final String NESTED = "jar:nested:";
    private static final String CLASSIC = "jar:file:";

    /** The nested entry that the location {@code text} names, or null if it names none. */
    static Nested parse(String text) {
      String jar;
      String rest;
      if (text.startsWith(NESTED)) {
        String path = text.substring(NESTED.length());
        int separator = path.indexOf("/!");
        if (separator < 0) {
          return null;
        }
        jar = "file://" + path.substring(0, separator);
        rest = path.substring(separator + 2);
      } else if (text.startsWith(CLASSIC)) {
        int separator = text.indexOf("!/");
        if (separator < 0) {
          return null;
        }
        jar = text.substring("jar:".length(), separator);
        rest = text.substring(separator + 2);
      } else {
        return null;
      }
      while (rest.endsWith("/") || rest.endsWith("!")) {
        rest = rest.substring(0, rest.length() - 1);
      }
      if (rest.isEmpty() || rest.contains("!")) {
        return null; // a plain jar named by a jar: URL, or nested deeper than one level
      }
      try {
        return new Nested(Path.of(new URI(jar).getPath()), decode(rest));
      } catch (URISyntaxException | IllegalArgumentException e) {
        return null;
      }
    }

    private static String decode(String entry) throws URISyntaxException {
      return new URI("nested:/" + entry).getPath().substring(1);
    }
  }
}
