package io.nightcoral;

import java.util.concurrent.CompletableFuture;

/**
 * A stored job whose handler's return value comes back to the caller.
 *
 * @param <J> the job type
 */
public interface QueuedQueryJob<J> extends QueuedJob {
  /**
   * Completes with the handler's return value (null if it returned none); fails with {@link
   * JobFailedException} when the job fails for good, with {@link
   * java.util.concurrent.TimeoutException} after {@code replyTimeout}, and with {@link
   * NightCoralException} if NightCoral closes first.
   */
  CompletableFuture<J> reply();
}
