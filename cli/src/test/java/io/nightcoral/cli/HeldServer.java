package io.nightcoral.cli;

import io.nightcoral.JobFilter;
import io.nightcoral.JobOptions;
import io.nightcoral.JobState;
import io.nightcoral.NightCoral;
import io.nightcoral.Schedule;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A server for the tests, run in a JVM of its own: it fills the database given as its argument with
 * jobs of every kind, prints {@code ready}, holds the database until a line (or the end) arrives on
 * stdin, then closes it and prints {@code stopped}.
 *
 * <p>What it leaves: dead jobs {@code fail-1} and {@code fail-2}; job {@code flaky} retrying (in an
 * hour); {@code hold} running; {@code waiting-a} (key {@code a}, priority 5) and {@link #LONG_JOB}
 * queued behind it; timer {@code later} (in an hour); schedule {@code daily-report} (every day,
 * adding {@code report}).
 */
public final class HeldServer {
  /** A job text longer than a table cell. */
  static final String LONG_JOB =
      "waiting-b: a job whose text is longer than a table cell shows its start and an ellipsis";

  private static final long LIMIT_SECONDS = 60;

  private HeldServer() {}

  /** Fills and holds the database at {@code args[0]}. */
  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    try (NightCoral<String> nc =
        NightCoral.builderForStrings()
            .databaseFile(db)
            .maxAttempts(1)
            .fakeWorker(
                job -> {
                  throw new IllegalStateException("cannot run " + job);
                })
            .build()) {
      nc.launch(1);
      nc.add("fail-1");
      nc.add("fail-2");
      nc.idle().get(LIMIT_SECONDS, TimeUnit.SECONDS);
    }
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    NightCoral<String> nc =
        NightCoral.builderForStrings()
            .databaseFile(db)
            .maxAttempts(3)
            .retryBackoff(Duration.ofHours(1), Duration.ofHours(1))
            .fakeWorker(
                job -> {
                  if (job.equals("hold")) {
                    holding.countDown();
                    release.await(10, TimeUnit.MINUTES);
                    return null;
                  }
                  if (job.equals("flaky")) {
                    throw new IllegalStateException("flaky failed\n\tat a line of its stack");
                  }
                  return null;
                })
            .build();
    nc.launch(1);
    nc.add("flaky");
    Awaitility.await()
        .atMost(Duration.ofSeconds(LIMIT_SECONDS))
        .until(() -> !nc.jobs(JobFilter.all().state(JobState.RETRYING)).isEmpty());
    nc.add("hold");
    if (!holding.await(LIMIT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("hold never ran");
    }
    nc.add("waiting-a", JobOptions.key("a").withPriority(5));
    nc.add(LONG_JOB);
    nc.addTimer(Duration.ofHours(1), "later");
    nc.schedule("daily-report", Schedule.every(Duration.ofDays(1)), "report");
    System.out.println("ready");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    release.countDown();
    nc.close();
    System.out.println("stopped");
    System.out.flush();
  }
}
