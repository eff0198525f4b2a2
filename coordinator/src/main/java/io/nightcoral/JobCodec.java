package io.nightcoral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** Turns jobs into the text stored and sent to workers, and back. */
abstract class JobCodec<J> {
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The stored text of {@code job}; throws {@link IllegalArgumentException} if it cannot be
   * written.
   */
  abstract String encode(J job);

  /** The job stored as {@code text}; null stays null. */
  abstract J decode(String text);

  static JobCodec<String> strings() {
    return new JobCodec<>() {
      @Override
      String encode(String job) {
        return job;
      }

      @Override
      String decode(String text) {
        return text;
      }
    };
  }

  static <J> JobCodec<J> json(Class<J> type) {
    return new JobCodec<>() {
      @Override
      String encode(J job) {
        try {
          return JSON.writeValueAsString(job);
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException(
              "job of "
                  + job.getClass().getName()
                  + " cannot be written as JSON: "
                  + e.getOriginalMessage(),
              e);
        }
      }

      @Override
      J decode(String text) {
        if (text == null) {
          return null;
        }
        try {
          return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException("cannot read a " + type.getName() + " from " + text, e);
        }
      }
    };
  }
}
