package io.nightcoral.worker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The Jackson mapper that both sides use for jobs unless told otherwise: the coordinator when its
 * builder gets no {@code objectMapper}, and a child when its handler keeps the default {@link
 * JobHandler#objectMapper()}.
 */
public final class JobMappers {

  private JobMappers() {}

  /**
   * A new mapper that knows the JDK time types ({@code Instant}, {@code Duration}, {@code
   * LocalDate}, ... written as ISO-8601 text) and ignores properties its classes lack, so a server
   * and a handler jar of different versions can each add fields to a job.
   */
  public static ObjectMapper defaultMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .build();
  }
}
