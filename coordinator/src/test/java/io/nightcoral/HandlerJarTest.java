package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
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
    Path jar = HandlerJar.build(dir, "handlers.jar", Map.of(HANDLER, SOURCE));
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
}
