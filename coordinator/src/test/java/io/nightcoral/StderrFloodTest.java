package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child's stderr is drained in bounded memory, however long its lines. */
class StderrFloodTest {
  @TempDir Path dir;

  /**
   * A server in its own small-heap JVM: one child writes 256 MiB to stderr with no newline, then
   * both that job's reply and the next one's are printed.
   */
  public static final class Server {
    public static void main(String[] args) throws Exception {
      try (NightCoral<TestJob> nc =
          NightCoral.builder(TestJob.class)
              .databaseFile(Path.of(args[0], "flood.db"))
              .workerConfig(Map.of("dir", args[0]))
              .build()) {
        nc.launch(TestHandler.class, 1);
        TestJob flooded =
            nc.addQuery(new TestJob("stderr-flood", 256)).reply().get(60, TimeUnit.SECONDS);
        TestJob square = nc.addQuery(new TestJob("square", 6)).reply().get(60, TimeUnit.SECONDS);
        System.out.println(flooded.task() + " " + flooded.value() + ", " + square.value());
      } catch (Exception e) {
        System.out.println("failed: " + e);
      }
      System.exit(0);
    }
  }

  @Test
  void aChildWritingStderrWithoutNewlinesCannotExhaustASmallCoordinatorHeap() throws Exception {
    try (Jvm server = Jvm.start(List.of("-Xmx128m"), Server.class, dir.toString())) {
      assertEquals("flooded 256, 36", server.output().trim());
    }
  }
}
