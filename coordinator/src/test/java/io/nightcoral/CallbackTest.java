package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * User code (reply and idle() dependents, notifyError) runs on NightCoral's callback threads, never
 * on the queue's: it may call NightCoral, close it, throw, block, or leave its interrupt flag set.
 */
@ExtendWith(NoChildOutlivesTest.class)
class CallbackTest {
  @TempDir Path dir;

  private NightCoralBuilder<TestJob> builder() {
    return HandlerDir.builder(dir, "callbacks.db");
  }

  /**
   * Lets the "gate" job finish. Tests hold the only worker with it while they attach dependents, so
   * that the dependents run where the futures complete, not on the test's thread.
   */
  private void openGate() throws Exception {
    HandlerDir.openGate(dir);
  }

  @Test
  void anAddFromAReplyCallbackReturnsAndIsStored() throws Exception {
    try (NightCoral<TestJob> nc = builder().build()) {
      nc.launch(TestHandler.class, 1);
      nc.add(new TestJob("gate", 0));
      CompletableFuture<QueuedJob> added = new CompletableFuture<>();
      nc.addQuery(new TestJob("square", 3))
          .reply()
          .thenAccept(
              reply -> {
                try {
                  added.complete(nc.add(new TestJob("record", 9)));
                } catch (Throwable t) {
                  added.completeExceptionally(t);
                }
              });
      openGate();
      assertNotNull(Await.get(added));
      await().until(() -> Files.exists(dir.resolve("run-9")));
      Await.get(nc.idle());
      assertEquals(3, nc.stats().retired());
    }
  }

  @Test
  void closeFromAnIdleCallbackReturnsAndLeavesTheDatabaseToTheNextInstance() throws Exception {
    NightCoral<TestJob> nc = builder().build();
    try {
      nc.launch(TestHandler.class, 1);
      nc.add(new TestJob("gate", 0));
      nc.add(new TestJob("record", 1));
      nc.addTimer(Duration.ofHours(1), new TestJob("count", 2));
      CompletableFuture<Void> closed = new CompletableFuture<>();
      nc.idle()
          .thenRun(
              () -> {
                try {
                  nc.close();
                  closed.complete(null);
                } catch (Throwable t) {
                  closed.completeExceptionally(t);
                }
              });
      openGate();
      Await.get(closed);
    } finally {
      nc.close();
    }
    try (NightCoral<TestJob> next = builder().build()) {
      assertEquals(1, next.stats().timers(), "the timer stored before close is there");
      assertEquals(0, next.stats().queued(), "the job that ran before close is gone");
    }
  }

  @Test
  void callbacksThatLeaveTheirInterruptFlagSetDoNotStopTheQueue() throws Exception {
    try (NightCoral<TestJob> nc = builder().build()) {
      nc.launch(TestHandler.class, 1);
      nc.add(new TestJob("gate", 0));
      CompletableFuture<Void> idleCallback =
          nc.idle().thenRun(() -> Thread.currentThread().interrupt());
      CompletableFuture<Void> replyCallback =
          nc.addQuery(new TestJob("square", 2))
              .reply()
              .thenAccept(reply -> Thread.currentThread().interrupt());
      openGate();
      Await.get(idleCallback);
      Await.get(replyCallback);
      for (int i = 0; i < 20; i++) {
        nc.add(new TestJob("count", i));
      }
      assertEquals(
          new TestJob("square", 49), Await.get(nc.addQuery(new TestJob("square", 7)).reply()));
      Await.get(nc.idle());
      assertEquals(23, nc.stats().retired());
      assertEquals(List.of(), nc.deadJobs());
    }
  }

  @Test
  void aNotifyErrorThatThrowsOrBlocksDoesNotStopTheQueue() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(1)
            .notifyError(
                error -> {
                  if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("notifyError throws on purpose");
                  }
                  try { // blocks until the test is over, longer than the test waits for anything
                    release.await(3 * Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                })
            .build()) {
      try {
        nc.launch(TestHandler.class, 1);
        nc.add(new TestJob("throw", 1));
        await().until(() -> calls.get() == 1);
        nc.add(new TestJob("throw", 2));
        await().until(() -> calls.get() == 2); // the second call now blocks
        CompletableFuture<TestJob> laterWork =
            CompletableFuture.supplyAsync(
                () -> {
                  for (int i = 0; i < 20; i++) {
                    nc.add(new TestJob("count", i));
                  }
                  return nc.addQuery(new TestJob("square", 4)).reply().join();
                });
        assertEquals(new TestJob("square", 16), Await.get(laterWork));
        Await.get(nc.idle());
        assertEquals(21, nc.stats().retired());
        assertEquals(2, nc.deadJobs().size());
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void userCallbacksRunOnNightCoralCallbackThreads() throws Exception {
    List<String> threads = new CopyOnWriteArrayList<>();
    try (NightCoral<TestJob> nc =
        builder()
            .maxAttempts(1)
            .notifyError(error -> threads.add("notifyError " + Thread.currentThread().getName()))
            .build()) {
      nc.launch(TestHandler.class, 1);
      QueuedQueryJob<TestJob> gated = nc.addQuery(new TestJob("gate", 0));
      QueuedQueryJob<TestJob> squared = nc.addQuery(new TestJob("square", 5));
      QueuedQueryJob<TestJob> thrown = nc.addQuery(new TestJob("throw", 6));
      CompletableFuture<Void> onIdle =
          nc.idle().thenRun(() -> threads.add("idle " + Thread.currentThread().getName()));
      CompletableFuture<Void> onReply =
          squared.reply().thenAccept(r -> threads.add("reply " + Thread.currentThread().getName()));
      CompletableFuture<Void> onFailure =
          thrown
              .reply()
              .handle(
                  (r, t) -> {
                    threads.add("failure " + Thread.currentThread().getName());
                    return null;
                  });
      assertFalse(gated.reply().isDone(), "the gate is closed");
      openGate();
      Await.get(onIdle);
      Await.get(onReply);
      Await.get(onFailure);
      await().until(() -> threads.size() == 4);
      for (String seen : threads) {
        assertTrue(seen.contains(" nightcoral-callback-"), seen);
      }
    }
  }
}
