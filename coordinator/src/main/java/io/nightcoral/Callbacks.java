package io.nightcoral;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * Where user code runs: the dependents of the futures NightCoral hands out, {@code notifyError},
 * and {@code describeJob}. Never the queue's thread, so user code may call any NightCoral method,
 * block, throw or leave its interrupt flag set without harm. Threads are made as needed (named
 * {@code nightcoral-callback-N}) and end when idle; one blocked callback never holds up others.
 */
final class Callbacks implements Executor {
  private final ExecutorService threads;
  private final Logger log;
  private final String name;

  Callbacks(Logger log, String name) {
    this.log = log;
    this.name = name;
    AtomicInteger count = new AtomicInteger();
    this.threads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "nightcoral-callback-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs {@code task} on a callback thread; anything it throws is logged. */
  @Override
  public void execute(Runnable task) {
    Runnable guarded =
        () -> {
          try {
            task.run();
          } catch (Throwable t) {
            log.error("{}: a callback threw", name, t);
          }
        };
    try {
      threads.execute(guarded);
    } catch (RejectedExecutionException closed) {
      Thread t = new Thread(guarded, "nightcoral-callback-late"); // after close: still never inline
      t.setDaemon(true);
      t.start();
    }
  }

  /** Lets running callbacks finish on their own; later ones get a thread each. Never waits. */
  void close() {
    threads.shutdown();
  }
}
