package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nightcoral.worker.JobHandler;
import io.nightcoral.worker.WorkerPortal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server and a handler jar built against different versions of a job class work together with the
 * default mappers, in real children: each side ignores the fields it does not know.
 */
@ExtendWith(NoChildOutlivesTest.class)
class JobVersionsTest {
  /** The server's version of the job: it lacks the handler's {@code note}. */
  public record Lean(String name, int n) {}

  /** The server's version of the job: it has a {@code note} the handler's version lacks. */
  public record Rich(String name, int n, String note) {}

  /** A job with JDK time types. */
  public record Timed(String name, Instant at, Duration after, List<Instant> more) {}

  /** Answers a timed job with the job itself. */
  public static final class TimedEcho implements JobHandler<Timed, Void> {
    @Override
    public Timed handle(Timed job, Void state, WorkerPortal<Timed> portal) {
      return job;
    }
  }

  private static final String NEWER =
      String.join(
          "\n",
          "package com.example.versions;",
          "import io.nightcoral.worker.JobHandler;",
          "import io.nightcoral.worker.WorkerPortal;",
          "public class NewerHandler implements JobHandler<NewerHandler.Job, Void> {",
          "  public record Job(String name, int n, String note) {}",
          "  @Override public Job handle(Job job, Void state, WorkerPortal<Job> portal) {",
          "    return new Job(job.name().toUpperCase(), job.n() + 1, \"from the newer handler\");",
          "  }",
          "}");

  private static final String OLDER =
      String.join(
          "\n",
          "package com.example.versions;",
          "import io.nightcoral.worker.JobHandler;",
          "import io.nightcoral.worker.WorkerPortal;",
          "public class OlderHandler implements JobHandler<OlderHandler.Job, Void> {",
          "  public record Job(String name, int n) {}",
          "  @Override public Job handle(Job job, Void state, WorkerPortal<Job> portal) {",
          "    return new Job(job.name().toUpperCase(), job.n() + 1);",
          "  }",
          "}");

  @TempDir Path dir;

  @Test
  void aHandlerWhoseJobHasAFieldTheServerLacksAnswersTheServer() throws Exception {
    Path jar = buildHandlerJar();
    try (NightCoral<Lean> nc =
        NightCoral.builder(Lean.class)
            .databaseFile(dir.resolve("newer-handler.db"))
            .workerClasspath(jar)
            .build()) {
      nc.launch("com.example.versions.NewerHandler", 1);
      assertEquals(new Lean("A", 2), Await.get(nc.addQuery(new Lean("a", 1)).reply()));
    }
  }

  @Test
  void aServerWhoseJobHasAFieldTheHandlerLacksGetsItRun() throws Exception {
    Path jar = buildHandlerJar();
    try (NightCoral<Rich> nc =
        NightCoral.builder(Rich.class)
            .databaseFile(dir.resolve("older-handler.db"))
            .workerClasspath(jar)
            .build()) {
      nc.launch("com.example.versions.OlderHandler", 1);
      assertEquals(
          new Rich("B", 3, null),
          Await.get(nc.addQuery(new Rich("b", 2, "unknown there")).reply()));
    }
  }

  @Test
  void instantAndDurationFieldsRoundTripThroughAChild() throws Exception {
    Timed job =
        new Timed(
            "t",
            Instant.parse("2024-05-01T10:00:00.123456789Z"),
            Duration.ofMinutes(90).plusNanos(5),
            List.of(Instant.EPOCH, Instant.parse("2030-01-01T00:00:00Z")));
    try (NightCoral<Timed> nc =
        NightCoral.builder(Timed.class).databaseFile(dir.resolve("timed.db")).build()) {
      nc.launch(TimedEcho.class, 1);
      assertEquals(job, Await.get(nc.addQuery(job).reply()));
      nc.addTimer(Duration.ofHours(1), job);
      assertEquals(1, nc.stats().timers());
    }
  }

  private Path buildHandlerJar() throws Exception {
    return HandlerJar.build(
        dir,
        "versions.jar",
        Map.of(
            "com.example.versions.NewerHandler",
            NEWER,
            "com.example.versions.OlderHandler",
            OLDER));
  }
}
