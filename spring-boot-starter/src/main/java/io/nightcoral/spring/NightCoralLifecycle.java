package io.nightcoral.spring;

import io.nightcoral.NightCoral;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * Launches the worker children when the context starts and closes {@code NightCoral} when it stops:
 * running jobs finish (up to {@code nightcoral.close-timeout}), jobs not started stay stored for
 * the next start. Its {@link #PHASE} stops it after the web server's graceful shutdown (requests in
 * flight may still wait for replies) and before the web server itself stops. Closing is for good: a
 * context started again after a stop cannot launch again.
 */
public class NightCoralLifecycle implements SmartLifecycle {
  /**
   * Between the web server's graceful shutdown ({@code SMART_LIFECYCLE_PHASE}) and its stop ({@code
   * SMART_LIFECYCLE_PHASE - 1024}); lifecycles start in ascending and stop in descending phase.
   */
  public static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 512;

  private final NightCoral<?> nightCoral;
  private final String handlerClass;
  private final int workers;
  private final PoolState state;
  private volatile boolean running;

  NightCoralLifecycle(NightCoral<?> nightCoral, String handlerClass, int workers, PoolState state) {
    this.nightCoral = nightCoral;
    this.handlerClass = handlerClass;
    this.workers = workers;
    this.state = state;
  }

  /** Launches the children (blocking until they are ready), unless {@code workers} is 0. */
  @Override
  public void start() {
    if (workers > 0) {
      state.launching();
      if (handlerClass != null) {
        nightCoral.launch(handlerClass, workers);
      } else {
        try {
          nightCoral.launch(workers);
        } catch (IllegalStateException e) {
          throw new IllegalStateException(
              "nightcoral.workers is "
                  + workers
                  + " but nightcoral.handler-class is not set (and no NightCoralCustomizer gave a"
                  + " fakeWorker)",
              e);
        }
      }
    }
    running = true;
  }

  /** Closes {@code NightCoral}: lets running jobs finish, stops the children, closes the store. */
  @Override
  public void stop() {
    running = false;
    nightCoral.close();
  }

  /** Whether it was started and not stopped. */
  @Override
  public boolean isRunning() {
    return running;
  }

  /** {@link #PHASE}. */
  @Override
  public int getPhase() {
    return PHASE;
  }
}
