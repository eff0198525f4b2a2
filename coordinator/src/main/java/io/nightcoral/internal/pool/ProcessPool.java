package io.nightcoral.internal.pool;

import io.nightcoral.internal.EngineException;
import io.nightcoral.internal.JobText;
import io.nightcoral.internal.NewJob;
import io.nightcoral.internal.Times;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker children: starts them, pings them, enforces job deadlines, and replaces the ones that die
 * (after they have exited), with a growing delay for children that die while starting. Too many
 * deaths too fast stop the pool.
 */
public final class ProcessPool implements WorkerPool, WorkerProcess.Events {
  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");
  private static final Duration START_LIMIT = Duration.ofSeconds(60);
  private static final long FIRST_RESTART_DELAY_MILLIS = 100;
  private static final long MAX_RESTART_DELAY_MILLIS = 30_000;

  /** How the children are started and watched. */
  public record Settings(
      String name,
      ChildCommand command,
      String handlerClass,
      String configJson,
      Duration pingFrequency,
      Duration pingTimeout,
      Duration jobTimeout,
      int deathThreshold,
      Duration deathWindow,
      IntFunction<String> startRecord,
      int warmSpares) {}

  private final Settings settings;
  private final PoolListener listener;
  private final UnaryOperator<String> localHandler;
  private final PoolTimer timer;
  private final Map<Integer, WorkerProcess> workers = new ConcurrentHashMap<>();
  private final Set<WorkerProcess> children = ConcurrentHashMap.newKeySet(); // starting or ready
  private final Map<Long, PoolTimer.Cancellable> deadlines = new ConcurrentHashMap<>(); // by job
  private final Map<WorkerProcess, PendingPing> pingsUnanswered = new ConcurrentHashMap<>();
  private final LongConsumer pingNanos;
  private final AtomicLong pingIds = new AtomicLong();
  private final ArrayDeque<Long> recentDeaths = new ArrayDeque<>();
  private final Map<WorkerProcess, String> diedWhileLaunching = new LinkedHashMap<>(); // guarded
  private int startFailuresInARow;
  private volatile int slots; // worker and spare slots: ids 1 to slots

  /** Slots whose child, once ready, waits as a warm spare instead of taking jobs. */
  private final Set<Integer> spareSlots = ConcurrentHashMap.newKeySet();

  /** Ready spares, promoted to workers the moment a worker dies. */
  private final Deque<WorkerProcess> spares = new ConcurrentLinkedDeque<>();

  private volatile boolean stopping;
  private volatile boolean launched;
  private volatile boolean stoppedItself;
  private volatile String stopReason;

  private record PendingPing(long id, long sentNanos) {}

  /**
   * Creates a pool; {@code localHandler} maps each posted job's text to the text to store, or null;
   * {@code pingNanos} hears each ping's round trip.
   */
  public ProcessPool(
      Settings settings,
      PoolListener listener,
      UnaryOperator<String> localHandler,
      LongConsumer pingNanos) {
    this(settings, new PoolTimerThread(), listener, localHandler, pingNanos);
  }

  /**
   * Creates a pool whose pings, deadlines and restarts run on {@code timer}, which it shuts down.
   */
  public ProcessPool(
      Settings settings,
      PoolTimer timer,
      PoolListener listener,
      UnaryOperator<String> localHandler,
      LongConsumer pingNanos) {
    this.settings = settings;
    this.pingNanos = pingNanos;
    this.listener = listener;
    this.localHandler = localHandler;
    this.timer = timer;
  }

  @Override
  public void start(int count) {
    List<WorkerProcess> started = new ArrayList<>();
    try {
      for (int i = 1; i <= count; i++) {
        WorkerProcess w = WorkerProcess.start(i, settings, this);
        started.add(w);
        children.add(w);
      }
      for (WorkerProcess w : started) {
        w.awaitReady(START_LIMIT);
      }
    } catch (RuntimeException e) {
      stopping = true;
      started.forEach(w -> w.kill("launch failed"));
      started.forEach(
          w -> w.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join());
      timer.shutdown();
      throw e instanceof EngineException ? e : new EngineException("launch failed: " + e, e);
    }
    Map<WorkerProcess, String> died;
    synchronized (this) { // died() decides under this lock whether a worker was offered
      launched = true;
      died = new LinkedHashMap<>(diedWhileLaunching);
      started.stream().filter(w -> !died.containsKey(w)).forEach(listener::workerReady);
    }
    // a child that was ready and died while the others started is never offered to the queue (it
    // ran no job): it is replaced like any other dead worker
    died.forEach(
        (w, reason) -> {
          log.warn(
              "{}: worker {} {} after it was ready, while the others started",
              settings.name(),
              w.id(),
              reason);
          afterDeath(w.id(), reason);
        });
    settings.command().prepareArchive();
    slots = count + settings.warmSpares();
    for (int slot = count + 1; slot <= slots; slot++) {
      spareSlots.add(slot);
      replace(slot); // starts in the background; launch does not wait for spares
    }
    timer.scheduleAtFixedRate(this::pingAll, wholeMillis(settings.pingFrequency()));
    log.info(
        "{}: worker pool started: {} children of {}",
        settings.name(),
        count,
        settings.handlerClass());
  }

  @Override
  public List<Worker> starting() {
    List<Worker> starting = new ArrayList<>();
    for (WorkerProcess child : children) {
      if (workers.get(child.id()) != child && !spareSlots.contains(child.id())) {
        starting.add(child);
      }
    }
    return starting;
  }

  @Override
  public int spares() {
    return spares.size();
  }

  @Override
  public boolean stopped() {
    return stoppedItself;
  }

  @Override
  public String stopReason() {
    return stopReason;
  }

  @Override
  public int size() {
    return workers.size();
  }

  @Override
  public void shutdown(Duration grace) {
    List<WorkerProcess> all;
    synchronized (this) {
      stopping = true; // no replacement starts after this
      all = new ArrayList<>(children);
    }
    settings.command().stopPreparing();
    all.forEach(WorkerProcess::shutdown);
    // gone: exited, with the last answers and the death reported to the queue
    CompletableFuture<?>[] exits =
        all.stream().map(WorkerProcess::gone).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      all.stream()
          .filter(WorkerProcess::isAlive)
          .forEach(w -> w.kill("did not stop within " + grace));
      try {
        CompletableFuture.allOf(exits).get(10, TimeUnit.SECONDS);
      } catch (Exception stillAlive) {
        log.error("{}: some worker children did not exit after being killed", settings.name());
      }
    }
    timer.shutdown();
    log.info("{}: worker pool stopped", settings.name());
  }

  // ---- events from the children's threads ----

  @Override
  public void ready(WorkerProcess worker) {
    if (stopping) {
      worker.shutdown(); // a replacement that came up as the pool stops
      return;
    }
    boolean spare;
    WorkerProcess previous = null;
    synchronized (this) { // slots change between worker and spare only under this lock
      spare = spareSlots.contains(worker.id());
      if (spare) {
        spares.add(worker); // waits, set up, for a worker to die
      } else {
        previous = workers.put(worker.id(), worker);
      }
    }
    synchronized (recentDeaths) {
      startFailuresInARow = 0;
    }
    if (spare) {
      fillVacantSlots(); // unless a worker is missing now
      return;
    }
    if (previous != null && previous != worker) {
      log.error("{}: worker slot {} was taken twice", settings.name(), worker.id());
    }
    if (launched) {
      listener.workerReady(worker);
    }
  }

  @Override
  public void started(WorkerProcess worker, long jobId) {
    Duration limit = settings.jobTimeout();
    if (limit != null) {
      PoolTimer.Cancellable deadline =
          timer.schedule(
              () -> {
                if (worker.runningJob() == jobId) {
                  worker.kill("ran job " + jobId + " longer than the job timeout of " + limit);
                }
              },
              Times.nanos(limit));
      deadlines.put(jobId, deadline);
    }
    listener.jobStarted(worker, jobId);
  }

  @Override
  public void finished(
      WorkerProcess worker, long jobId, String reply, List<NewJob> posts, long handlerNanos) {
    endDeadline(jobId);
    List<NewJob> kept = new ArrayList<>(posts.size());
    for (NewJob post : posts) {
      String payload = localHandler.apply(post.payload());
      if (payload == null) {
        continue;
      }
      String tooLarge = JobText.tooLarge(payload);
      if (tooLarge != null) { // grown by the local handler: the attempt that posted it failed
        listener.jobFailed(
            worker,
            jobId,
            Failure.of("it posted a job too large to run: " + tooLarge),
            handlerNanos);
        return;
      }
      kept.add(post.withPayload(payload));
    }
    listener.jobFinished(worker, jobId, reply, kept, handlerNanos);
  }

  @Override
  public void failed(WorkerProcess worker, long jobId, Failure failure, long handlerNanos) {
    endDeadline(jobId);
    listener.jobFailed(worker, jobId, failure, handlerNanos);
  }

  @Override
  public void rejected(WorkerProcess worker, long jobId, String why) {
    listener.jobRejected(worker, jobId, why);
  }

  @Override
  public void cancelled(WorkerProcess worker, long jobId, boolean cancelled) {
    listener.jobCancelled(worker, jobId, cancelled);
  }

  private void endDeadline(long jobId) {
    PoolTimer.Cancellable deadline = deadlines.remove(jobId);
    if (deadline != null) {
      deadline.cancel();
    }
  }

  @Override
  public void pong(WorkerProcess worker, long pingId) {
    PendingPing ping = pingsUnanswered.get(worker);
    if (ping != null && ping.id() == pingId && pingsUnanswered.remove(worker, ping)) {
      pingNanos.accept(System.nanoTime() - ping.sentNanos());
    }
  }

  private void pingAll() {
    try {
      List<WorkerProcess> all = new ArrayList<>(workers.values());
      all.addAll(spares);
      for (WorkerProcess w : all) {
        PendingPing ping = new PendingPing(pingIds.incrementAndGet(), System.nanoTime());
        if (pingsUnanswered.putIfAbsent(w, ping) != null) {
          continue; // the previous ping's own timeout decides
        }
        w.ping(ping.id());
        timer.schedule(
            () -> {
              if (pingsUnanswered.remove(w, ping)) {
                w.kill("did not answer a ping within " + settings.pingTimeout());
              }
            },
            wholeMillis(settings.pingTimeout()));
      }
    } catch (Throwable t) {
      log.error("{}: pinging workers failed", settings.name(), t);
    }
  }

  @Override
  public void died(WorkerProcess worker, String reason, boolean killed, boolean wasReady) {
    children.remove(worker);
    boolean wasSpare;
    synchronized (this) { // before its slot is free: then a spare may turn it into a spare slot
      wasSpare = spares.remove(worker) || spareSlots.contains(worker.id());
      workers.remove(worker.id(), worker);
    }
    pingsUnanswered.remove(worker);
    endDeadline(worker.runningJob());
    synchronized (this) {
      if (!launched) {
        if (wasReady && !stopping) {
          diedWhileLaunching.put(worker, reason); // a launch that succeeds replaces it
        }
        return; // a failing launch cleans up after itself
      }
    }
    if (wasSpare) { // a spare ran no job and was never offered to the queue
      if (!stopping) {
        // as for a worker: exiting by itself or being killed for a failed setup is a broken start
        scheduleReplacement(worker.id(), !wasReady && (killed || !worker.diedOfSignal()));
      }
      return;
    }
    if (stopping && wasReady) {
      listener.workerDied(worker, reason, killed); // the queue takes back what it held
      return;
    }
    if (!wasReady) {
      if (!stopping) {
        fillVacantSlots(); // the slot need not wait for its next start
        // a child that exits by itself while starting is a broken start; one killed from outside is
        // not
        scheduleReplacement(worker.id(), killed || !worker.diedOfSignal());
      }
      return; // a child that never came up ran no job and was never offered to the queue
    }
    listener.workerDied(worker, reason, killed);
    if (!stopping) {
      afterDeath(worker.id(), reason);
    }
  }

  /** Replaces a dead worker that had been ready, unless too many died too fast. */
  private void afterDeath(int id, String reason) {
    if (tooManyDeaths()) {
      synchronized (this) {
        stopping = true;
        stoppedItself = true;
      }
      String why =
          settings.deathThreshold()
              + " workers died within "
              + settings.deathWindow()
              + "; the pool stopped. Last: worker "
              + id
              + " "
              + reason;
      stopReason = why;
      log.error("{}: {}", settings.name(), why);
      listener.poolStopped(why);
      children.forEach(w -> w.kill("the pool stopped"));
      return;
    }
    fillVacantSlots();
    scheduleReplacement(id, false);
  }

  /**
   * Gives each worker slot that has no ready child a ready spare, if there is one: the spare
   * becomes that worker, and the slot it leaves (with whatever child is starting there) starts the
   * next spare. So a ready child never waits as a spare while a worker is missing.
   */
  private void fillVacantSlots() {
    List<WorkerProcess> promoted = new ArrayList<>();
    synchronized (this) {
      if (stopping || !launched) {
        return;
      }
      for (int slot = 1; slot <= slots && !spares.isEmpty(); slot++) {
        if (!spareSlots.contains(slot) && !workers.containsKey(slot)) {
          WorkerProcess spare = spares.poll();
          spareSlots.remove(spare.id());
          spareSlots.add(slot);
          workers.put(spare.id(), spare);
          promoted.add(spare);
        }
      }
    }
    promoted.forEach(listener::workerReady); // a ready child takes a missing one's place at once
  }

  private boolean tooManyDeaths() {
    long now = System.nanoTime();
    synchronized (recentDeaths) {
      recentDeaths.addLast(now);
      while (!recentDeaths.isEmpty()
          && now - recentDeaths.peekFirst() > settings.deathWindow().toNanos()) {
        recentDeaths.removeFirst();
      }
      return recentDeaths.size() >= settings.deathThreshold();
    }
  }

  private void scheduleReplacement(int id, boolean failedToStart) {
    long delay = 0;
    if (failedToStart) {
      synchronized (recentDeaths) {
        startFailuresInARow++;
        delay =
            Math.min(
                MAX_RESTART_DELAY_MILLIS,
                FIRST_RESTART_DELAY_MILLIS << Math.min(startFailuresInARow - 1, 20));
      }
      log.warn("{}: worker {} failed to start; trying again in {} ms", settings.name(), id, delay);
    }
    try {
      timer.schedule(() -> replace(id), TimeUnit.MILLISECONDS.toNanos(delay));
    } catch (RuntimeException e) {
      // the pool is shutting down
    }
  }

  /** {@code d} in nanoseconds, rounded down to whole milliseconds: pings count in milliseconds. */
  private static long wholeMillis(Duration d) {
    return TimeUnit.MILLISECONDS.toNanos(d.toMillis());
  }

  private void replace(int id) {
    try {
      synchronized (this) {
        if (!stopping) {
          children.add(WorkerProcess.start(id, settings, this));
        }
      }
    } catch (RuntimeException e) {
      log.error(
          "{}: cannot start a replacement for worker {}: {}", settings.name(), id, e.getMessage());
      scheduleReplacement(id, true);
    }
  }
}
