package io.nightcoral.spring;

import io.nightcoral.NightCoralBuilder;

/**
 * Adjusts the builder of the auto-configured {@code NightCoral} after the {@code nightcoral.*}
 * properties are applied and before it is built: the hook for options that take code ({@code
 * fakeWorker}, {@code localHandler}, {@code describeJob}, {@code clock}). Beans of this type run in
 * their {@code @Order}. {@code notifyError} is the starter's own (it feeds the health indicator):
 * listen for {@code WorkerPoolError} application events instead.
 *
 * @param <J> the job type, as {@code nightcoral.job-type} names it
 */
@FunctionalInterface
public interface NightCoralCustomizer<J> {
  /** Adjusts {@code builder}; called once, on the thread that creates the bean. */
  void customize(NightCoralBuilder<J> builder);
}
