package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** close() keeps what finished, and leaves no child behind, whatever it races with. */
class ShutdownTest {
  private static final int JOBS = 300;

  @TempDir Path dir;

  @AfterEach
  void noChildOutlivesItsTest() {
    await().until(() -> ChildProcessTest.liveChildren().isEmpty());
  }

  private NightCoralBuilder<TestJob> builder() {
    return NightCoral.builder(TestJob.class)
        .databaseFile(dir.resolve("shutdown.db"))
        .workerConfig(Map.of("dir", dir.toString()))
        .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(20));
  }

  /** How many times the "record" job numbered {@code value} ran. */
  private int runs(int value) throws Exception {
    Path file = dir.resolve("run-" + value);
    return Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  /** How many "record" jobs ran at least once. */
  private long ran() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("run-")).count();
    }
  }

  @ParameterizedTest(name = "closed once {0} jobs ran")
  @ValueSource(ints = {1, JOBS / 2, JOBS})
  void everyJobThatFinishedBeforeCloseIsRecordedAndRunsOnlyOnce(int ranBeforeClose)
      throws Exception {
    try (NightCoral<TestJob> nc = builder().workerPrefetch(64).build()) {
      nc.launch(TestHandler.class, 2);
      List<TestJob> jobs = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        jobs.add(new TestJob("record", i));
      }
      nc.addAll(jobs);
      await().until(() -> ran() >= ranBeforeClose);
    } // closes right away, with replies in flight and jobs sent ahead
    List<Integer> ranTwice = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      if (runs(i) > 1) {
        ranTwice.add(i);
      }
    }
    assertEquals(List.of(), ranTwice, "jobs that ran twice before the reopen");
    long finished = ran();
    try (NightCoral<TestJob> nc = builder().build()) {
      assertEquals(JOBS - finished, nc.stats().queued(), "what ran before close is not stored");
      nc.launch(TestHandler.class, 2);
      Await.get(nc.idle());
      assertEquals(JOBS - finished, nc.stats().retired());
    }
    for (int i = 0; i < JOBS; i++) {
      assertEquals(1, runs(i), "runs of job " + i);
    }
  }

  @ParameterizedTest(name = "close {0}")
  @ValueSource(strings = {"at once", "while the children start", "after launch returned"})
  void closeRacingLaunchLeavesNoChildAlive(String when) throws Exception {
    NightCoral<TestJob> nc = builder().build();
    CompletableFuture<Throwable> launched = new CompletableFuture<>();
    Thread launcher =
        new Thread(
            () -> {
              try {
                nc.launch(TestHandler.class, 2);
                launched.complete(null);
              } catch (Throwable t) {
                launched.complete(t);
              }
            },
            "launching");
    launcher.start();
    switch (when) {
      case "while the children start" ->
          await().until(() -> !ChildProcessTest.liveChildren().isEmpty());
      case "after launch returned" -> Await.get(launched);
      default -> {}
    }
    nc.close();
    Throwable thrown = Await.get(launched);
    if (thrown != null) {
      assertInstanceOf(NightCoralException.class, thrown, String.valueOf(thrown));
    }
    await().until(() -> ChildProcessTest.liveChildren().isEmpty());
  }
}
