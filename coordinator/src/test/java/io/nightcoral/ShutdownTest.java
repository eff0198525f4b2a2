package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** close() keeps what finished, and leaves no child behind, whatever it races with. */
@ExtendWith(NoChildOutlivesTest.class)
class ShutdownTest {
  private static final int JOBS = 300;

  @TempDir Path dir;

  private NightCoralBuilder<TestJob> builder() {
    return HandlerDir.builder(dir, "shutdown.db");
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
      await().until(() -> HandlerDir.recorded(dir) >= ranBeforeClose);
    } // closes right away, with replies in flight and jobs sent ahead
    List<Integer> ranTwice = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      if (HandlerDir.runs(dir, i) > 1) {
        ranTwice.add(i);
      }
    }
    assertEquals(List.of(), ranTwice, "jobs that ran twice before the reopen");
    long finished = HandlerDir.recorded(dir);
    try (NightCoral<TestJob> nc = builder().build()) {
      assertEquals(JOBS - finished, nc.stats().queued(), "what ran before close is not stored");
      nc.launch(TestHandler.class, 2);
      Await.get(nc.idle());
      assertEquals(JOBS - finished, nc.stats().retired());
    }
    for (int i = 0; i < JOBS; i++) {
      assertEquals(1, HandlerDir.runs(dir, i), "runs of job " + i);
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
      case "while the children start" -> await().until(() -> !Children.live().isEmpty());
      case "after launch returned" -> Await.get(launched);
      default -> {}
    }
    nc.close();
    Throwable thrown = Await.get(launched);
    if (thrown != null) {
      assertInstanceOf(NightCoralException.class, thrown, String.valueOf(thrown));
    }
    await().until(() -> Children.live().isEmpty());
  }
}
