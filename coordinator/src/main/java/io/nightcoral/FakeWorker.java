package io.nightcoral;

/**
 * Stands in for the worker children in tests: with it, {@code launch} starts no process and each
 * job runs inline on one of {@code count} coordinator threads, through the same store.
 *
 * @param <J> the job type
 */
@FunctionalInterface
public interface FakeWorker<J> {
  /** Handles one job; the return value (or null) is the reply, and a throw is a failed attempt. */
  J handle(J job) throws Exception;
}
