package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller interrupted while its add waits for the queue learns whether the job was stored: "was
 * not stored" if the queue had not taken the add up (and then it never is), "may have been stored"
 * otherwise.
 */
class InterruptedAddTest {
  @TempDir Path dir;

  private NightCoralBuilder<TestJob> builder() {
    return NightCoral.builder(TestJob.class).databaseFile(dir.resolve("interrupted.db"));
  }

  /** What an add on its own thread ended with: null, or what it threw. */
  private record Outcome(Throwable thrown, boolean stillInterrupted) {}

  /** Starts an add of {@code job} on a thread of its own. */
  private static Thread adding(
      NightCoral<TestJob> nc, TestJob job, CompletableFuture<Outcome> outcome) {
    Thread caller =
        new Thread(
            () -> {
              try {
                nc.add(job);
                outcome.complete(new Outcome(null, Thread.currentThread().isInterrupted()));
              } catch (Throwable t) {
                outcome.complete(new Outcome(t, Thread.currentThread().isInterrupted()));
              }
            },
            "adding-" + job.value());
    caller.start();
    return caller;
  }

  /** Whether {@code caller} has handed its add to the queue and waits for the answer. */
  private static boolean waitsForTheQueue(Thread caller) {
    return caller.getState() == Thread.State.TIMED_WAITING
        && Arrays.stream(caller.getStackTrace())
            .anyMatch(
                f ->
                    f.getClassName().equals(CompletableFuture.class.getName())
                        && f.getMethodName().equals("get"));
  }

  /** Holds the queue's thread until {@code release} opens; {@code busy} opens once it does. */
  private static CompletableFuture<Void> holdQueue(
      NightCoral<TestJob> nc, CountDownLatch busy, CountDownLatch release) throws Exception {
    CompletableFuture<Void> held =
        nc.onQueueThreadForTest(
            () -> {
              busy.countDown();
              try {
                release.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertTrue(busy.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
    return held;
  }

  @Test
  void anAddInterruptedBeforeTheQueueTookItUpSaysItWasNotStoredAndIsNever() throws Exception {
    try (NightCoral<TestJob> nc = builder().build()) {
      nc.add(
          new TestJob("count", 0)); // warms up the codec, so the next add waits only on the queue
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> held = holdQueue(nc, new CountDownLatch(1), release);
      CompletableFuture<Outcome> outcome = new CompletableFuture<>();
      Thread caller = adding(nc, new TestJob("count", 1), outcome);
      await().until(() -> waitsForTheQueue(caller));
      caller.interrupt();
      Outcome result = Await.get(outcome);
      release.countDown();
      Await.get(held);
      NightCoralException e = assertInstanceOf(NightCoralException.class, result.thrown());
      assertTrue(e.getMessage().contains("was not stored"), e.getMessage());
      assertTrue(result.stillInterrupted(), "the caller's interrupt flag is kept");
      nc.runDueWork();
      assertEquals(1, nc.stats().queued(), "only the first job is stored");
    }
    try (NightCoral<TestJob> nc = builder().build()) {
      assertEquals(1, nc.stats().queued(), "only the first job is stored");
    }
  }

  @Test
  void anAddInterruptedAfterTheQueueTookItUpSaysItMayHaveBeenStored() throws Exception {
    try (NightCoral<TestJob> nc = builder().build()) {
      nc.add(new TestJob("count", 0));
      CountDownLatch releaseFirst = new CountDownLatch(1);
      CompletableFuture<Void> first = holdQueue(nc, new CountDownLatch(1), releaseFirst);
      CompletableFuture<Outcome> outcome = new CompletableFuture<>();
      Thread caller = adding(nc, new TestJob("count", 1), outcome);
      await().until(() -> waitsForTheQueue(caller));
      // queued behind the add: when it holds the queue, the add has been taken up in its turn
      CountDownLatch secondBusy = new CountDownLatch(1);
      CountDownLatch releaseSecond = new CountDownLatch(1);
      CompletableFuture<Void> second =
          nc.onQueueThreadForTest(
              () -> {
                secondBusy.countDown();
                try {
                  releaseSecond.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      releaseFirst.countDown();
      Await.get(first);
      assertTrue(secondBusy.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
      caller.interrupt();
      Outcome result = Await.get(outcome);
      releaseSecond.countDown();
      Await.get(second);
      NightCoralException e = assertInstanceOf(NightCoralException.class, result.thrown());
      assertTrue(e.getMessage().contains("may have been stored"), e.getMessage());
      assertTrue(result.stillInterrupted(), "the caller's interrupt flag is kept");
      assertEquals(2, nc.stats().queued(), "here it was stored after all");
    }
  }
}
