package io.nightcoral.internal.pool;

import io.nightcoral.internal.EngineException;
import io.nightcoral.internal.JobText;
import io.nightcoral.internal.NewJob;
import io.nightcoral.protocol.Cancel;
import io.nightcoral.protocol.FrameReader;
import io.nightcoral.protocol.FrameWriter;
import io.nightcoral.protocol.Frames;
import io.nightcoral.protocol.FromWorker;
import io.nightcoral.protocol.MalformedFrameException;
import io.nightcoral.protocol.Ping;
import io.nightcoral.protocol.PostedJob;
import io.nightcoral.protocol.Reply;
import io.nightcoral.protocol.RunJob;
import io.nightcoral.protocol.Setup;
import io.nightcoral.protocol.Shutdown;
import io.nightcoral.protocol.ToWorker;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker child process and its three coordinator threads: a frame reader, a frame writer fed by
 * a queue (so no coordinator thread ever blocks on the child's pipe) and a stderr drainer into the
 * log.
 *
 * <p>Its death is learned from the process exiting, not from its pipes closing (a process the child
 * started may hold them open), and reported exactly once, on a short-lived fourth thread: after the
 * exit, the reader gets up to {@link #DELIVERY_GRACE} to deliver the frames already in the pipe (a
 * reply written just before the exit still counts), then the death is reported even if the reader
 * is still blocked; frames read after the report are ignored. Any failure of the three threads
 * costs the child, so its death is reported too. The processes the child started, as last seen
 * (before each kill and at each ping), are killed when it dies.
 */
final class WorkerProcess implements Worker {
  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");
  private static final int STDERR_TAIL_LINES = 20;
  private static final Duration DELIVERY_GRACE = Duration.ofSeconds(1);
  private static final long STDOUT_CLOSED_GRACE_SECONDS = 5;
  private static final ToWorker SHUTDOWN =
      ToWorker.newBuilder().setShutdown(Shutdown.getDefaultInstance()).build();

  /** What the pool learns from this child, translated from its frames. */
  interface Events {
    void ready(WorkerProcess worker);

    /** The child's handler starts job {@code jobId}. */
    void started(WorkerProcess worker, long jobId);

    /** The handler finished the job; {@code posts} are the jobs it posted, in order. */
    void finished(
        WorkerProcess worker, long jobId, String reply, List<NewJob> posts, long handlerNanos);

    /** The handler threw. */
    void failed(WorkerProcess worker, long jobId, Failure failure, long handlerNanos);

    /** The job was not sent: it cannot be. */
    void rejected(WorkerProcess worker, long jobId, String why);

    /** The answer to {@link #cancel}. */
    void cancelled(WorkerProcess worker, long jobId, boolean cancelled);

    void pong(WorkerProcess worker, long pingId);

    void died(WorkerProcess worker, String reason, boolean killed, boolean wasReady);
  }

  private final int id;
  private final String name;
  private final long startedAt = System.currentTimeMillis();
  private final Process process;
  private final Events events;
  private final BlockingQueue<Object> outbox =
      new LinkedBlockingQueue<>(); // ToWorker, or Job to build one
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
  private final Map<Long, List<NewJob>> posts = new HashMap<>(); // guarded by this
  private volatile long runningJob = -1;
  private final CountDownLatch stderrDone = new CountDownLatch(1);
  private final CountDownLatch readerDone = new CountDownLatch(1);
  private final AtomicBoolean deathReported = new AtomicBoolean();
  private final CompletableFuture<Void> gone = new CompletableFuture<>();
  private final Object delivery = new Object(); // frames are handled, and the death reported, alone
  private final Set<ProcessHandle> descendants = ConcurrentHashMap.newKeySet(); // as last seen
  private volatile Thread writer;
  private volatile String killReason;
  private volatile boolean shuttingDown;

  private WorkerProcess(int id, String name, Process process, Events events) {
    this.id = id;
    this.name = name;
    this.process = process;
    this.events = events;
  }

  /**
   * Starts a child and sends it its setup; {@link #awaitReady} tells whether it came up.
   *
   * @throws EngineException if the process cannot be started at all
   */
  static WorkerProcess start(int id, ProcessPool.Settings settings, Events events) {
    List<String> command = settings.command().command();
    Setup setup =
        Setup.newBuilder()
            .setProtocolVersion(Frames.PROTOCOL_VERSION)
            .setWorkerId(id)
            .setConfigJson(settings.configJson())
            .setHandlerClass(settings.handlerClass())
            .setStartRecord(settings.startRecord().apply(id))
            .build();
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new EngineException(
          "cannot start worker " + id + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
    WorkerProcess worker = new WorkerProcess(id, settings.name(), process, events);
    worker.outbox.add(ToWorker.newBuilder().setSetup(setup).build());
    worker.writer = worker.startThread("writer", worker::writeLoop);
    worker.startThread("reader", worker::readLoop);
    worker.startThread("stderr", worker::drainStderr);
    process.onExit().thenRunAsync(worker::exited, r -> worker.startThread("exit", r));
    return worker;
  }

  private Thread startThread(String role, Runnable body) {
    Thread t = new Thread(body, "nightcoral-worker-" + id + "-" + role);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits until the child is ready; throws with the child's own error if it is not. */
  void awaitReady(Duration limit) {
    try {
      ready.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw (EngineException) e.getCause();
    } catch (TimeoutException e) {
      kill("was not ready within " + limit);
      throw new EngineException("worker " + id + " was not ready within " + limit + stderrText());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill("start interrupted");
      throw new EngineException("interrupted while worker " + id + " started");
    }
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public long startedAt() {
    return startedAt;
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public void run(long jobId, String payload, int attempt, long notBefore) {
    outbox.add(new Job(jobId, payload, attempt, notBefore)); // the writer thread builds the message
  }

  @Override
  public void cancel(long jobId) {
    outbox.add(ToWorker.newBuilder().setCancel(Cancel.newBuilder().setId(jobId)).build());
  }

  /** A job to send, as the queue hands it over. */
  private record Job(long id, String payload, int attempt, long notBefore) {}

  /** The job whose handler runs in the child now, or -1. */
  long runningJob() {
    return runningJob;
  }

  void ping(long pingId) {
    rememberDescendants(); // a child killed from outside still takes these with it
    outbox.add(ToWorker.newBuilder().setPing(Ping.newBuilder().setId(pingId)).build());
  }

  /** Asks the child to finish its job and exit. */
  void shutdown() {
    shuttingDown = true;
    outbox.add(SHUTDOWN);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Whether the exited child was ended by a signal (exit code 128 + signal). */
  boolean diedOfSignal() {
    return !process.isAlive() && process.exitValue() > 128;
  }

  CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  /** Kills the child and its descendants on purpose; the death is reported with {@code reason}. */
  void kill(String reason) {
    if (killReason == null) {
      killReason = reason;
    }
    rememberDescendants(); // once the child is gone, its descendants can no longer be found
    process.destroyForcibly();
    killDescendants();
  }

  /** Adds the child's descendants as they are now to those remembered, forgetting dead ones. */
  private void rememberDescendants() {
    try (Stream<ProcessHandle> all = process.descendants()) {
      descendants.removeIf(p -> !p.isAlive());
      all.forEach(descendants::add);
    } catch (RuntimeException e) {
      log.warn("{}: worker {}: cannot list the processes it started: {}", name, id, e.toString());
    }
  }

  private void killDescendants() {
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  private void writeLoop() {
    FrameWriter frames =
        new FrameWriter(new BufferedOutputStream(process.getOutputStream(), 64 * 1024));
    try {
      while (true) {
        Object next = outbox.take();
        while (next != null) {
          if (next instanceof Job job && JobText.excess(job.payload()) > 0) {
            events.rejected(this, job.id(), JobText.tooLarge(job.payload()));
          } else if (next instanceof Job job) {
            RunJob.Builder run =
                RunJob.newBuilder()
                    .setId(job.id())
                    .setPayload(job.payload())
                    .setAttempt(job.attempt());
            long sent = System.nanoTime();
            if (job.notBefore() != Worker.NOW && job.notBefore() - sent > 0) {
              // how long the child holds it, counted from now, in microseconds rounded up
              run.setDelayMicros((job.notBefore() - sent + 999) / 1_000).setSentNanos(sent);
            }
            frames.write(ToWorker.newBuilder().setJob(run).build());
          } else {
            frames.write((ToWorker) next);
          }
          next = outbox.poll();
        }
        frames.flush();
      }
    } catch (InterruptedException e) {
      // the child is gone and its death reported: nothing more to write
    } catch (IOException e) {
      if (!exitsSoon()) { // not a pipe closed by the child's exit
        kill("could not be written to: " + e.getMessage());
        log.error("{}: worker {} could not be written to: {}", name, id, e.getMessage());
      }
    } catch (Throwable t) {
      kill("had its writer thread fail: " + t);
      log.error("{}: worker {}: its writer thread failed", name, id, t);
    }
  }

  private boolean exitsSoon() {
    try {
      return process.waitFor(DELIVERY_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true; // only the death report interrupts this thread
    }
  }

  private void readLoop() {
    String ending = null;
    try {
      FrameReader reader =
          new FrameReader(new BufferedInputStream(process.getInputStream(), 64 * 1024));
      FromWorker message;
      while (ending == null && (message = reader.read(FromWorker.parser())) != null) {
        ending = deliver(message);
      }
      if (ending == null) {
        stdoutClosed();
      }
    } catch (MalformedFrameException e) {
      ending = "wrote something that is not a frame to its stdout: " + e.getMessage();
    } catch (IOException e) {
      // the pipe broke: the process is going away
    } catch (RuntimeException e) {
      ending = "broke the protocol: " + e;
    } catch (Throwable t) {
      ending = "had its reader thread fail: " + t;
      log.error("{}: worker {}: its reader thread failed", name, id, t);
    }
    try {
      if (ending != null) {
        kill(ending);
        log.error("{}: worker {} {}", name, id, ending);
      }
    } finally {
      readerDone.countDown();
    }
  }

  /** Handles one frame, unless the death was reported; returns why the child must end, or null. */
  private String deliver(FromWorker message) {
    synchronized (delivery) {
      if (deathReported.get()) {
        return null; // frames read after the death report are ignored
      }
      return handle(message) ? null : "sent a frame with no message in it";
    }
  }

  private void stdoutClosed() {
    try {
      if (!process.waitFor(STDOUT_CLOSED_GRACE_SECONDS, TimeUnit.SECONDS)) {
        kill("closed its stdout but kept running");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Handles one message; false if it had no body. */
  private boolean handle(FromWorker message) {
    switch (message.getBodyCase()) {
      case READY:
        if (message.getReady().getProtocolVersion() != Frames.PROTOCOL_VERSION) {
          failStart(
              "speaks protocol version "
                  + message.getReady().getProtocolVersion()
                  + " but this coordinator speaks "
                  + Frames.PROTOCOL_VERSION);
        } else {
          events.ready(this);
          ready.complete(null);
        }
        return true;
      case SETUP_FAILED:
        io.nightcoral.protocol.Failure f = message.getSetupFailed().getFailure();
        failStart(
            "failed to start: "
                + f.getMessage()
                + (f.getStack().isEmpty() ? "" : "\n" + f.getStack()));
        return true;
      case STARTED:
        long started = message.getStarted().getId();
        if (runningJob != -1) {
          throw new IllegalStateException(
              "started job " + started + " while job " + runningJob + " runs");
        }
        runningJob = started;
        events.started(this, started);
        return true;
      case POST:
        long poster = message.getPost().getJobId();
        if (poster != runningJob) {
          throw new IllegalStateException("posted for job " + poster + ", which is not running");
        }
        List<NewJob> jobs = posts.computeIfAbsent(poster, k -> new ArrayList<>());
        for (PostedJob job : message.getPost().getJobsList()) {
          jobs.add(toNewJob(job));
        }
        return true;
      case REPLY:
        Reply reply = message.getReply();
        if (reply.getId() != runningJob) {
          throw new IllegalStateException(
              "replied for job " + reply.getId() + " but runs job " + runningJob);
        }
        runningJob = -1;
        List<NewJob> posted = posts.remove(reply.getId());
        if (reply.hasFailure()) {
          io.nightcoral.protocol.Failure failure = reply.getFailure();
          events.failed(
              this,
              reply.getId(),
              new Failure(failure.getClassName(), failure.getMessage(), failure.getStack()),
              reply.getHandlerNanos());
        } else {
          events.finished(
              this,
              reply.getId(),
              reply.hasPayload() ? reply.getPayload() : null,
              posted == null ? List.of() : posted,
              reply.getHandlerNanos());
        }
        return true;
      case CANCELLED:
        events.cancelled(
            this, message.getCancelled().getId(), message.getCancelled().getCancelled());
        return true;
      case PONG:
        events.pong(this, message.getPong().getId());
        return true;
      default:
        return false;
    }
  }

  private static NewJob toNewJob(PostedJob job) {
    return switch (job.getWhenCase()) {
      case DELAY_MILLIS -> NewJob.after(job.getPayload(), job.getDelayMillis());
      case AT_EPOCH_MILLIS -> NewJob.at(job.getPayload(), job.getAtEpochMillis());
      default -> NewJob.now(job.getPayload());
    };
  }

  private void failStart(String why) {
    String message = "worker " + id + " " + why;
    ready.completeExceptionally(new EngineException(message));
    kill(why);
  }

  /** Runs once the process has exited: lets the reader finish (within a bound), then reports. */
  private void exited() {
    try {
      long deadline = System.nanoTime() + DELIVERY_GRACE.toNanos();
      if (!readerDone.await(DELIVERY_GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
        log.warn(
            "{}: worker {} (pid {}) exited but its stdout is still open: a process it started holds it",
            name,
            id,
            process.pid());
      }
      stderrDone.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      reportDeath();
    }
  }

  private void reportDeath() {
    synchronized (delivery) { // after the frame being handled, if any; before any later one
      if (!deathReported.compareAndSet(false, true)) {
        return;
      }
    }
    try {
      killDescendants(); // the ones it had when last seen, which may hold its pipes
      writer.interrupt();
      boolean killed = killReason != null;
      String reason = killed ? "was killed: " + killReason : exitText();
      boolean wasReady = ready.isDone() && !ready.isCompletedExceptionally();
      ready.completeExceptionally(
          new EngineException("worker " + id + " " + reason + stderrText()));
      if (!shuttingDown || killed) {
        log.info("{}: worker {} (pid {}) {}", name, id, process.pid(), reason);
      }
      events.died(this, reason, killed, wasReady);
    } catch (Throwable t) {
      log.error("{}: worker {}: reporting its death failed", name, id, t);
    } finally {
      gone.complete(null);
    }
  }

  /** Completes once the child has exited and its last frames and its death have been reported. */
  CompletableFuture<Void> gone() {
    return gone;
  }

  private String exitText() {
    if (process.isAlive()) {
      return "did not exit";
    }
    int code = process.exitValue();
    if (code > 128 && code < 160) {
      return "died of signal " + (code - 128) + " (exit code " + code + ")";
    }
    return "exited with code " + code;
  }

  private void drainStderr() {
    try (InputStream err = process.getErrorStream()) {
      StderrLines.drain(err, this::stderrLine);
    } catch (IOException e) {
      // the child is gone
    } catch (Throwable t) {
      kill("had its stderr drainer fail: " + t); // an undrained child would block on stderr
      log.error("{}: worker {}: its stderr drainer failed", name, id, t);
    } finally {
      stderrDone.countDown();
    }
  }

  private void stderrLine(String line) {
    log.info("{}: [worker {}] {}", name, id, line);
    synchronized (stderrTail) {
      if (stderrTail.size() == STDERR_TAIL_LINES) {
        stderrTail.removeFirst();
      }
      stderrTail.addLast(line);
    }
  }

  private String stderrText() {
    synchronized (stderrTail) {
      return stderrTail.isEmpty()
          ? ""
          : "; its stderr ended with:\n" + String.join("\n", stderrTail);
    }
  }
}
