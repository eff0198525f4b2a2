package io.nightcoral;

import io.nightcoral.internal.Times;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The callers waiting for queries' replies: each job's reply, or its final failure, completes every
 * future waiting for that job, on a {@link Callbacks} thread; a future that waits longer than the
 * reply timeout fails with a {@link TimeoutException} (its job goes on). Thread-safe.
 */
final class Replies {
  private final Map<Long, CompletableFuture<String>> byJob = new ConcurrentHashMap<>();
  private final Callbacks callbacks;
  private final Duration timeout;
  private final ScheduledThreadPoolExecutor timer;

  Replies(Callbacks callbacks, Duration timeout) {
    this.callbacks = callbacks;
    this.timeout = timeout;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "nightcoral-reply-timeouts");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Makes {@code caller} wait for job {@code id}'s reply, or fail after the reply timeout;
   * registered before the job can run.
   */
  void await(long id, CompletableFuture<String> caller) {
    CompletableFuture<String> reply = byJob.computeIfAbsent(id, k -> new CompletableFuture<>());
    ScheduledFuture<?> expiry;
    try {
      expiry =
          timer.schedule(
              () ->
                  callbacks.execute(
                      () ->
                          caller.completeExceptionally(
                              new TimeoutException(
                                  "no reply for job " + id + " within " + timeout))),
              Times.nanos(timeout),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      expiry = null;
    }
    ScheduledFuture<?> pending = expiry;
    reply.whenComplete(
        (value, failure) -> {
          if (pending != null) {
            pending.cancel(false);
          }
          if (failure != null) {
            caller.completeExceptionally(failure);
          } else {
            caller.complete(value);
          }
        });
  }

  /** Whether any caller waits for job {@code id}. */
  boolean awaited(long id) {
    return byJob.containsKey(id);
  }

  /** Job {@code id} finished with {@code reply} (null for none). */
  void complete(long id, String reply) {
    CompletableFuture<String> f = byJob.remove(id);
    if (f != null) {
      callbacks.execute(() -> f.complete(reply));
    }
  }

  /** Job {@code id} failed for good. */
  void fail(long id, Throwable failure) {
    CompletableFuture<String> f = byJob.remove(id);
    if (f != null) {
      callbacks.execute(() -> f.completeExceptionally(failure));
    }
  }

  /** Every waiting caller fails with {@code failure} (the pool stopped, or NightCoral closed). */
  void failAll(Throwable failure) {
    for (Long id : byJob.keySet()) {
      fail(id, failure);
    }
  }

  /** Stops the timeouts; call after {@link #failAll}. */
  void close() {
    timer.shutdownNow();
  }
}
