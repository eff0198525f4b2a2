package io.nightcoral.migration;

import io.nightcoral.NightCoral;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Made the test resource {@code v1-database.db}: run with the release whose schema was version 1
 * (the commit that added this class), it stores through the public API three queued jobs, two
 * timers and one dead job. Kept so the resource can be made again the same way, never by hand.
 */
public final class V1DatabaseMaker {
  private V1DatabaseMaker() {}

  /** Writes the database to the file named by {@code args[0]}, which must not exist. */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    if (Files.exists(file)) {
      throw new IllegalArgumentException(file + " exists");
    }
    try (NightCoral<String> nc =
        NightCoral.builderForStrings()
            .databaseFile(file)
            .maxAttempts(1)
            .fakeWorker(
                job -> {
                  throw new IllegalStateException("fails for good: " + job);
                })
            .build()) {
      nc.add("dead");
      nc.launch(1);
      nc.idle().get();
    }
    try (NightCoral<String> nc = NightCoral.builderForStrings().databaseFile(file).build()) {
      for (String job : new String[] {"queued-1", "queued-2", "queued-3"}) {
        nc.add(job); // no worker runs them: they stay queued
      }
      nc.addTimerAt(Instant.parse("2100-01-01T00:00:00Z"), "timer-2100");
      nc.addTimer(Duration.ofDays(365L * 90), "timer-in-90-years");
    }
  }
}
