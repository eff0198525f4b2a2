package io.nightcoral.modulecheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library jars as a client on the module path sees them: each names its module, the coordinator
 * exports only {@code io.nightcoral}, and a small client compiled and run with {@code javac}/{@code
 * java --module-path} runs jobs with a fake worker, and in children with a handler from a jar or
 * from its own module.
 */
class ModulePathTest {
  /** The coordinator's run-time jars (or class folders, before packaging), from the pom. */
  private static final List<Path> MODULE_PATH =
      Arrays.stream(System.getProperty("nightcoral.modulePath", "").split(File.pathSeparator))
          .filter(entry -> !entry.isEmpty())
          .map(Path::of)
          .collect(Collectors.toList());

  private static final String CLIENT_MODULE =
      String.join(
          "\n",
          "module demo.client {",
          "  requires io.nightcoral;",
          "  opens demo.client to com.fasterxml.jackson.databind;",
          "}");

  private static final String CLIENT =
      String.join(
          "\n",
          "package demo.client;",
          "",
          "import io.nightcoral.NightCoral;",
          "import java.nio.file.Path;",
          "import java.util.concurrent.TimeUnit;",
          "import java.util.concurrent.atomic.AtomicInteger;",
          "",
          "public final class Main {",
          "  public record Job(String task, int value) {}",
          "",
          "  public static void main(String[] args) throws Exception {",
          "    Path dir = Path.of(args[0]);",
          "    AtomicInteger sum = new AtomicInteger();",
          "    try (NightCoral<Job> nc = NightCoral.builder(Job.class)",
          "        .databaseFile(dir.resolve(\"fake.db\"))",
          "        .fakeWorker(job -> { sum.addAndGet(job.value()); return null; })",
          "        .build()) {",
          "      nc.launch(2);",
          "      for (int i = 1; i <= 10; i++) nc.add(new Job(\"add\", i));",
          "      nc.idle().get(1, TimeUnit.MINUTES);",
          "    }",
          "    System.out.println(\"fake worker sum \" + sum.get());",
          "    try (NightCoral<String> nc = NightCoral.builderForStrings()",
          "        .databaseFile(dir.resolve(\"children.db\"))",
          "        .workerClasspath(Path.of(args[1]))",
          "        .build()) {",
          "      nc.launch(\"demo.handler.Upper\", 1);",
          "      String reply = nc.addQuery(\"hello\").reply().get(1, TimeUnit.MINUTES);",
          "      System.out.println(\"child replied \" + reply);",
          "    }",
          "    try (NightCoral<String> nc = NightCoral.builderForStrings()",
          "        .databaseFile(dir.resolve(\"own.db\"))",
          "        .build()) {",
          "      nc.launch(\"demo.client.Shout\", 1);",
          "      String reply = nc.addQuery(\"hey\").reply().get(1, TimeUnit.MINUTES);",
          "      System.out.println(\"own handler replied \" + reply);",
          "    }",
          "  }",
          "}");

  /** A handler in the client's own module, which the children find without workerClasspath. */
  private static final String CLIENT_HANDLER =
      String.join(
          "\n",
          "package demo.client;",
          "",
          "import io.nightcoral.worker.JobHandler;",
          "import io.nightcoral.worker.WorkerPortal;",
          "",
          "public class Shout implements JobHandler<String, Void> {",
          "  @Override",
          "  public String handle(String job, Void state, WorkerPortal<String> portal) {",
          "    return job + \"!\";",
          "  }",
          "}");

  private static final String HANDLER =
      String.join(
          "\n",
          "package demo.handler;",
          "",
          "import io.nightcoral.worker.JobHandler;",
          "import io.nightcoral.worker.WorkerPortal;",
          "import java.util.Locale;",
          "",
          "public class Upper implements JobHandler<String, Void> {",
          "  @Override",
          "  public String handle(String job, Void state, WorkerPortal<String> portal) {",
          "    return job.toUpperCase(Locale.ROOT);",
          "  }",
          "}");

  @TempDir Path dir;

  @Test
  void eachLibraryJarNamesItsModule() {
    Set<String> names =
        ModuleFinder.of(MODULE_PATH.toArray(Path[]::new)).findAll().stream()
            .map(m -> m.descriptor().name())
            .collect(Collectors.toSet());
    assertTrue(
        names.containsAll(
            Set.of("io.nightcoral", "io.nightcoral.worker", "io.nightcoral.protocol")),
        "modules on " + MODULE_PATH + ": " + names);
    for (String name : List.of("io.nightcoral", "io.nightcoral.worker", "io.nightcoral.protocol")) {
      assertFalse(descriptor(name).isAutomatic(), name + " has a module-info");
    }
  }

  @Test
  void theCoordinatorExportsOnlyItsApiPackage() {
    ModuleDescriptor coordinator = descriptor("io.nightcoral");
    assertEquals(Map.of("io.nightcoral", Set.of()), exports(coordinator));
    assertTrue(coordinator.opens().isEmpty(), "opens " + coordinator.opens());
    assertTrue(
        coordinator.packages().contains("io.nightcoral.internal.store.sqlite"),
        "the engine is in the jar: " + coordinator.packages());
    assertEquals(
        Map.of("io.nightcoral.worker", Set.of()), exports(descriptor("io.nightcoral.worker")));
  }

  @Test
  void theProtocolIsExportedOnlyToTheModulesThatSpeakIt() {
    assertEquals(
        Map.of(
            "io.nightcoral.protocol",
            Set.of("io.nightcoral", "io.nightcoral.worker", "com.google.protobuf")),
        exports(descriptor("io.nightcoral.protocol")));
  }

  @Test
  void aClientOnTheModulePathRunsJobsWithAFakeWorkerAndInChildren() throws Exception {
    Path handlerJar = handlerJar();
    Path classes = dir.resolve("client-classes");
    Compilation client =
        compile(
            classes,
            Map.of(
                "module-info.java",
                CLIENT_MODULE,
                "demo/client/Main.java",
                CLIENT,
                "demo/client/Shout.java",
                CLIENT_HANDLER),
            "--module-path",
            modulePath());
    assertEquals(0, client.exitCode, client.output);

    Path log = dir.resolve("client.log");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path",
                modulePath() + File.pathSeparator + classes,
                "--add-modules",
                "org.slf4j.simple",
                "-m",
                "demo.client/demo.client.Main",
                dir.toString(),
                handlerJar.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean exited = process.waitFor(3, TimeUnit.MINUTES);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = Files.readString(log);
    assertTrue(exited, "the client did not finish:\n" + output);
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("fake worker sum 55"), output);
    assertTrue(output.contains("child replied HELLO"), output);
    assertTrue(output.contains("own handler replied hey!"), output);
  }

  @Test
  void aClientCannotCompileAgainstTheEngineOrTheProtocol() throws IOException {
    for (String engineClass :
        List.of("io.nightcoral.internal.store.JobStore", "io.nightcoral.protocol.Frames")) {
      String source =
          String.join(
              "\n",
              "package demo.client;",
              "",
              "public final class Peek {",
              "  static final Class<?> ENGINE = " + engineClass + ".class;",
              "}");
      Compilation peek =
          compile(
              dir.resolve("peek-" + engineClass),
              Map.of("module-info.java", CLIENT_MODULE, "demo/client/Peek.java", source),
              "--module-path",
              modulePath());
      assertNotEquals(0, peek.exitCode, engineClass + " must not be readable");
      assertTrue(peek.output.contains("is not visible"), peek.output);
    }
  }

  /** The handler, compiled on the class path as handler jars are, and packed in a jar. */
  private Path handlerJar() throws IOException {
    Path classes = dir.resolve("handler-classes");
    Compilation handler =
        compile(classes, Map.of("demo/handler/Upper.java", HANDLER), "-cp", modulePath());
    assertEquals(0, handler.exitCode, handler.output);
    Path jar = dir.resolve("handler.jar");
    ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow();
    int exitCode =
        tool.run(
            System.out,
            System.err,
            "--create",
            "--file",
            jar.toString(),
            "-C",
            classes.toString(),
            ".");
    assertEquals(0, exitCode, "jar failed");
    return jar;
  }

  private Compilation compile(Path classes, Map<String, String> sources, String... options)
      throws IOException {
    Path src = classes.resolveSibling(classes.getFileName() + "-src");
    List<String> args = new ArrayList<>(List.of("--release", "17", "-Xlint:all,-path", "-Werror"));
    args.addAll(List.of(options));
    args.addAll(List.of("-d", classes.toString()));
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = src.resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue() + "\n");
      args.add(file.toString());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      int exitCode =
          ToolProvider.findFirst("javac")
              .orElseThrow()
              .run(print, print, args.toArray(String[]::new));
      return new Compilation(exitCode, out.toString(StandardCharsets.UTF_8));
    }
  }

  private static String modulePath() {
    assertFalse(MODULE_PATH.isEmpty(), "the pom sets nightcoral.modulePath");
    return MODULE_PATH.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }

  private static ModuleDescriptor descriptor(String name) {
    return ModuleFinder.of(MODULE_PATH.toArray(Path[]::new))
        .find(name)
        .orElseThrow(() -> new AssertionError("no module " + name + " on " + MODULE_PATH))
        .descriptor();
  }

  /** Each exported package with the modules it is exported to (empty: to everyone). */
  private static Map<String, Set<String>> exports(ModuleDescriptor module) {
    Map<String, Set<String>> exports = new TreeMap<>();
    for (ModuleDescriptor.Exports e : module.exports()) {
      exports.put(e.source(), Set.copyOf(e.targets()));
    }
    return exports;
  }

  private record Compilation(int exitCode, String output) {}
}
