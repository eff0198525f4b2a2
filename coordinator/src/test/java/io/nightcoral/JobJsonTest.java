package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.nightcoral.worker.JobMappers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** How jobs and the worker configuration become JSON, and stored JSON that no longer decodes. */
@ExtendWith(NoChildOutlivesTest.class)
class JobJsonTest {
  /** A later version of {@link TestJob} whose {@code value} became an object. */
  public record Reshaped(String task, Map<String, Integer> value) {}

  /** A worker configuration whose one property the builder's mapper renames. */
  public record Settings(String password) {}

  @TempDir Path dir;

  /** The default mapper, with the property {@code from} written and read as {@code to}. */
  private static ObjectMapper renaming(String from, String to) {
    return JobMappers.defaultMapper()
        .setPropertyNamingStrategy(
            new PropertyNamingStrategies.NamingBase() {
              private static final long serialVersionUID = 1L;

              @Override
              public String translate(String name) {
                return name.equals(from) ? to : name;
              }
            });
  }

  /** A fake worker's handling that fails every attempt. */
  private static <J> J failOnPurpose(J job) {
    throw new IllegalStateException("fails on purpose");
  }

  @Test
  void theWorkerConfigIsWrittenWithTheDefaultMapper() throws Exception {
    Instant at = Instant.parse("2024-05-01T10:00:00Z");
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("config.db"))
            .workerConfig(Map.of("redisPassword", at))
            .build()) {
      nc.launch(TestHandler.class, 1);
      TestJob reply = Await.get(nc.addQuery(new TestJob("config", 0)).reply());
      assertEquals(at.toString(), reply.task());
    }
  }

  @Test
  void theBuildersObjectMapperWritesTheWorkerConfigWhicheverIsCalledFirst() throws Exception {
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("mapper-config.db"))
            .workerConfig(new Settings("welcome"))
            .objectMapper(renaming("password", "redisPassword"))
            .build()) {
      nc.launch(TestHandler.class, 1);
      TestJob reply = Await.get(nc.addQuery(new TestJob("config", 0)).reply());
      assertEquals("welcome", reply.task());
    }
  }

  @Test
  void theBuildersObjectMapperWritesAndReadsTheJobs() throws Exception {
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(dir.resolve("mapper-jobs.db"))
            .objectMapper(renaming("value", "amount"))
            .maxAttempts(1)
            .fakeWorker(JobJsonTest::failOnPurpose)
            .build()) {
      nc.launch(1);
      nc.add(new TestJob("x", 7));
      Await.await().until(() -> nc.stats().dead() == 1);
      DeadJob<TestJob> dead = nc.deadJobs().get(0);
      assertEquals("{\"task\":\"x\",\"amount\":7}", dead.payload());
      assertEquals(new TestJob("x", 7), dead.job());
      assertNull(dead.decodeError());
    }
  }

  @Test
  void aDeadJobWhoseTextNoLongerDecodesIsListedWithItsTextAndTheError() throws Exception {
    Path db = dir.resolve("reshaped.db");
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    long old;
    long current;
    try (NightCoral<JsonNode> nc =
        NightCoral.builder(JsonNode.class)
            .databaseFile(db)
            .maxAttempts(1)
            .fakeWorker(JobJsonTest::failOnPurpose)
            .build()) {
      nc.launch(1);
      old = nc.add(nodes.objectNode().put("task", "old").put("value", 1)).id();
      current =
          nc.add(nodes.objectNode().put("task", "new").set("value", nodes.objectNode().put("a", 2)))
              .id();
      Await.await().until(() -> nc.stats().dead() == 2);
    }
    try (NightCoral<Reshaped> nc =
        NightCoral.builder(Reshaped.class)
            .databaseFile(db)
            .maxAttempts(1)
            .fakeWorker(job -> job)
            .build()) {
      List<DeadJob<Reshaped>> dead = nc.deadJobs();
      assertEquals(List.of(old, current), dead.stream().map(DeadJob::id).toList());

      DeadJob<Reshaped> undecodable = dead.get(0);
      assertNull(undecodable.job());
      assertEquals("{\"task\":\"old\",\"value\":1}", undecodable.payload());
      assertTrue(
          undecodable.decodeError().contains(Reshaped.class.getName()), undecodable.decodeError());
      assertEquals(1, undecodable.attempts());
      assertTrue(undecodable.lastError().contains("fails on purpose"), undecodable.lastError());

      DeadJob<Reshaped> decoded = dead.get(1);
      assertEquals(new Reshaped("new", Map.of("a", 2)), decoded.job());
      assertNull(decoded.decodeError());

      nc.launch(1);
      assertTrue(nc.requeueDead(current));
      Await.get(nc.idle());
      assertEquals(1, nc.stats().retired());
      assertTrue(nc.requeueDead(old));
      Await.get(nc.idle());
      assertEquals(List.of(old), nc.deadJobs().stream().map(DeadJob::id).toList());
      assertTrue(nc.deleteDead(old));
      assertEquals(List.of(), nc.deadJobs());
    }
  }
}
