package io.nightcoral.worker;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Converts jobs between their Java type and a frame's payload text: strings pass as they are,
 * anything else as Jackson JSON.
 */
final class JobCodec<J> {

  private final ObjectMapper mapper;
  private final JavaType type;
  private final boolean isString;

  JobCodec(ObjectMapper mapper, JavaType type) {
    this.mapper = mapper;
    this.type = type;
    this.isString = type.hasRawClass(String.class);
  }

  /** Returns the job that {@code payload} holds. */
  @SuppressWarnings("unchecked")
  J decode(String payload) throws IOException {
    return isString ? (J) payload : mapper.readValue(payload, type);
  }

  /** Returns the payload text of {@code job}, or null for a null job. */
  String encode(J job) throws IOException {
    if (job == null) {
      return null;
    }
    return isString ? (String) job : mapper.writeValueAsString(job);
  }
}
