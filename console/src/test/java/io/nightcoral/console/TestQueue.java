package io.nightcoral.console;

import static io.nightcoral.console.Await.await;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A real NightCoral of string jobs on a SQLite file (or a PostgreSQL database), run by the
 * product's fake worker: a job whose text starts with "fail" throws (while {@link #failing} is set)
 * and dies after its attempts (one unless told otherwise); a job "block" waits for {@link
 * #release}; a job "work ..." takes {@link #WORK_NANOS}; any other job just runs and is remembered
 * in {@link #ran}.
 */
final class TestQueue implements AutoCloseable {
  /** How long a job "work ..." takes. */
  static final long WORK_NANOS = 3_000_000;

  final AtomicBoolean failing = new AtomicBoolean(true);
  final Set<String> ran = ConcurrentHashMap.newKeySet();
  final CountDownLatch release = new CountDownLatch(1);
  final NightCoral<String> nc;

  TestQueue(Path dir, int workers) {
    this(dir, workers, 1);
  }

  /** With {@code maxAttempts} attempts, an hour apart. */
  TestQueue(Path dir, int workers, int maxAttempts) {
    this(
        NightCoral.builderForStrings().databaseFile(dir.resolve("console.db")),
        workers,
        maxAttempts);
  }

  /** On the PostgreSQL database at {@code url}. */
  TestQueue(String url, int workers) {
    this(NightCoral.builderForStrings().databaseUrl(url), workers, 1);
  }

  private TestQueue(NightCoralBuilder<String> store, int workers, int maxAttempts) {
    nc =
        store
            .maxAttempts(maxAttempts)
            .retryBackoff(Duration.ofHours(1), Duration.ofHours(1))
            .fakeWorker(this::run)
            .build();
    nc.launch(workers);
  }

  /** Adds a job that dies (its error message holds {@code text}) and waits until it is dead. */
  long deadJob(String text) {
    long id = nc.add("fail " + text).id();
    await().until(() -> nc.deadJobs().stream().anyMatch(d -> d.id() == id));
    return id;
  }

  private String run(String job) throws Exception {
    if (job.startsWith("fail") && failing.get()) {
      throw new IllegalStateException("cannot do " + job);
    }
    if (job.startsWith("work ")) {
      LockSupport.parkNanos(WORK_NANOS); // a job that takes a little time, so jobs flow for a while
    }
    if (job.equals("block") && !release.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("never released");
    }
    ran.add(job);
    return null;
  }

  @Override
  public void close() {
    release.countDown();
    nc.close();
  }
}
