package io.nightcoral.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobMappersTest {

  /** The job of an older version: it lacks {@code after}. */
  public record Older(String name, Instant at) {}

  @Test
  void writesTheJdkTimeTypesAsIsoTextAndReadsThemBack() throws Exception {
    ObjectMapper mapper = JobMappers.defaultMapper();
    TestHandlers.Timed job =
        new TestHandlers.Timed(
            "a", Instant.parse("2024-05-01T10:00:00.123456789Z"), Duration.ofMillis(1500));
    String json = mapper.writeValueAsString(job);
    assertEquals(
        "{\"name\":\"a\",\"at\":\"2024-05-01T10:00:00.123456789Z\",\"after\":\"PT1.5S\"}", json);
    assertEquals(job, mapper.readValue(json, TestHandlers.Timed.class));
  }

  @Test
  void versionsOfAJobReadEachOther() throws Exception {
    ObjectMapper mapper = JobMappers.defaultMapper();
    Instant at = Instant.parse("2024-05-01T10:00:00Z");
    String newer = mapper.writeValueAsString(new TestHandlers.Timed("a", at, Duration.ZERO));
    assertEquals(new Older("a", at), mapper.readValue(newer, Older.class));
    String older = mapper.writeValueAsString(new Older("b", at));
    assertEquals(
        new TestHandlers.Timed("b", at, null), mapper.readValue(older, TestHandlers.Timed.class));
  }

  @Test
  void eachCallMakesAMapperOfItsOwn() {
    assertNotSame(JobMappers.defaultMapper(), JobMappers.defaultMapper());
  }
}
