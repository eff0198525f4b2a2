package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A handler that exists only in a jar of its own, which the test's class path does not hold. */
class HandlerJarTest {
  private static final String HANDLER = "com.example.jarred.ShoutHandler";
  private static final String SOURCE =
      String.join(
          "\n",
          "package com.example.jarred;",
          "import io.nightcoral.worker.JobHandler;",
          "import io.nightcoral.worker.WorkerPortal;",
          "public class ShoutHandler implements JobHandler<String, Void> {",
          "  @Override public String handle(String job, Void state, WorkerPortal<String> portal) {",
          "    return job.toUpperCase() + \" from worker \" + portal.workerId();",
          "  }",
          "}");

  @TempDir Path dir;

  @Test
  void handlerClassesFromASeparateJarRunInTheChildren() throws Exception {
    Path jar = buildHandlerJar();
    assertThrows(ClassNotFoundException.class, () -> Class.forName(HANDLER));
    try (NightCoral<String> nc =
        NightCoral.builderForStrings()
            .databaseFile(dir.resolve("jar.db"))
            .workerClasspath(jar)
            .build()) {
      nc.launch(HANDLER, 2);
      String reply = Await.get(nc.addQuery("hello").reply());
      assertTrue(reply.startsWith("HELLO from worker "), reply);
    }
  }

  private Path buildHandlerJar() throws Exception {
    Path src = dir.resolve("src/com/example/jarred/ShoutHandler.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, SOURCE);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "tests need a JDK");
    int status =
        javac.run(
            null,
            null,
            null,
            "-d",
            classes.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            src.toString());
    assertEquals(0, status);
    Path jar = dir.resolve("handlers.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (String name : List.of("com/example/jarred/ShoutHandler.class")) {
        out.putNextEntry(new JarEntry(name));
        out.write(Files.readAllBytes(classes.resolve(name)));
        out.closeEntry();
      }
    }
    assertTrue(Files.size(jar) > 0, new String(Files.readAllBytes(src), StandardCharsets.UTF_8));
    return jar;
  }
}
