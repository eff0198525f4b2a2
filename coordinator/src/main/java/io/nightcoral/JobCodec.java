package io.nightcoral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** Turns jobs into the text stored and sent to workers, and back. */
abstract class JobCodec<J> {
  /**
   * The stored text of {@code job}; throws {@link IllegalArgumentException} if it cannot be
   * written.
   */
  abstract String encode(J job);

  /**
   * The job stored as {@code text}; null stays null; throws {@link UncheckedIOException} naming the
   * type and Jackson's reason if the text does not decode.
   */
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

  /** A codec for jobs of {@code type}, written and read as JSON by {@code mapper}. */
  static <J> JobCodec<J> json(Class<J> type, ObjectMapper mapper) {
    return new JobCodec<>() {
      @Override
      String encode(J job) {
        try {
          return mapper.writeValueAsString(job);
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
          return mapper.readValue(text, type);
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException(
              "cannot read a "
                  + type.getName()
                  + " from the stored text: "
                  + e.getOriginalMessage(),
              e);
        }
      }
    };
  }
}
