package io.nightcoral.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Every period, {@code kill -9}s one worker child of this JVM picked at random among the
 * candidates: descendants alive now whose command line runs the worker runtime's main class.
 *
 * <p>Which children are candidates depends on {@link Victims}: a child is up when it has run at
 * least one job, as its non-empty result file (named after its pid) shows, so the coordinator knows
 * it finished starting; the others are still starting. The killer leaves {@code spare} candidates
 * alone: with that many or fewer, the tick kills nobody.
 *
 * <p>Once a victim has exited, the killer reads the start record of its worker slot (the slot is in
 * the name of its result file): the job it had started, if any, even if its handler had not yet
 * written a line.
 */
final class ChildKiller {
  /** Which live worker children the killer may pick. */
  enum Victims {
    /** Any, up or still starting. */
    ANY,
    /** Only children that are up. */
    UP,
    /**
     * Any, except the one that has been starting the longest: so one child can always come up,
     * however slowly the machine starts JVMs, and be killed once it is up.
     */
    MIXED
  }

  static final String WORKER_MAIN = "io.nightcoral.worker.WorkerMain";
  private static final long EXIT_WAIT_SECONDS = 5;

  private final Random random;
  private final Path resultsDir;
  private final Victims victims;
  private final int spare;
  private final Path startRecords;
  private final Collection<StartNotes.Note> notes;
  private final ScheduledExecutorService timer;
  private final AtomicLong kills = new AtomicLong();
  private final AtomicLong idleTicks = new AtomicLong();

  private ChildKiller(
      Random random,
      Path resultsDir,
      Victims victims,
      int spare,
      Path startRecords,
      Collection<StartNotes.Note> notes) {
    this.random = random;
    this.resultsDir = resultsDir;
    this.victims = victims;
    this.spare = spare;
    this.startRecords = startRecords;
    this.notes = notes;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "chaos-killer");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts killing every {@code periodMillis}; {@code resultsDir} is where {@link ChaosHandler}
   * writes, and the notes found in the victims' slots of {@code startRecords} go to {@code notes}
   * (a thread-safe collection).
   */
  static ChildKiller start(
      long periodMillis,
      Random random,
      Path resultsDir,
      Victims victims,
      int spare,
      Path startRecords,
      Collection<StartNotes.Note> notes) {
    ChildKiller killer = new ChildKiller(random, resultsDir, victims, spare, startRecords, notes);
    killer.timer.scheduleAtFixedRate(
        killer::killOne, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    return killer;
  }

  /** The worker children of {@code parent} (at any depth) that are alive now. */
  static List<ProcessHandle> liveWorkers(ProcessHandle parent) {
    return parent
        .descendants()
        .filter(ProcessHandle::isAlive)
        .filter(ChildKiller::isWorker)
        .toList();
  }

  static boolean isWorker(ProcessHandle p) {
    return p.info()
        .commandLine()
        .map(c -> c.contains(WORKER_MAIN) && !c.endsWith("--train"))
        .orElse(false);
  }

  private void killOne() {
    try {
      List<ProcessHandle> candidates = liveWorkers(ProcessHandle.current());
      if (victims != Victims.ANY) {
        Set<Long> up = pidsThatRanAJob();
        if (victims == Victims.UP) {
          candidates = candidates.stream().filter(p -> up.contains(p.pid())).toList();
        } else {
          Optional<ProcessHandle> eldest =
              candidates.stream()
                  .filter(p -> !up.contains(p.pid()))
                  .min(Comparator.comparing(p -> p.info().startInstant().orElse(Instant.MAX)));
          candidates = candidates.stream().filter(p -> !eldest.equals(Optional.of(p))).toList();
        }
      }
      if (candidates.size() <= spare) {
        idleTicks.incrementAndGet();
        return;
      }
      ProcessHandle victim = candidates.get(random.nextInt(candidates.size()));
      if (victim.destroyForcibly()) {
        kills.incrementAndGet();
        noteStart(victim);
      }
    } catch (Throwable t) {
      System.err.println("[chaos] the killer failed a tick: " + t);
    }
  }

  /** Once {@code victim} has exited, reads the start record of its slot, if it had one. */
  private void noteStart(ProcessHandle victim) throws IOException, InterruptedException {
    try {
      victim.onExit().get(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      System.err.println("[chaos] child " + victim.pid() + " did not exit after kill -9: " + e);
      return;
    }
    if (!Files.isDirectory(resultsDir)) {
      return; // no child has run its setup yet
    }
    String prefix = RanJobs.FILE_PREFIX + victim.pid() + "-w";
    try (Stream<Path> files = Files.list(resultsDir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.startsWith(prefix) && name.endsWith(".txt")) {
          int slot = Integer.parseInt(name.substring(prefix.length(), name.length() - 4));
          StartNotes.read(StartNotes.slot(startRecords, slot)).ifPresent(notes::add);
        }
      }
    }
  }

  /** The pids in the names of non-empty result files, {@code ran-<pid>-w<worker>.txt}. */
  private Set<Long> pidsThatRanAJob() throws IOException {
    Set<Long> pids = new HashSet<>();
    if (!Files.isDirectory(resultsDir)) {
      return pids;
    }
    try (Stream<Path> files = Files.list(resultsDir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.startsWith(RanJobs.FILE_PREFIX) && Files.size(file) > 0) {
          pids.add(RanJobs.pidOf(name));
        }
      }
    }
    return pids;
  }

  long kills() {
    return kills.get();
  }

  /** Ticks that killed nobody: no more candidates than the spare count. */
  long idleTicks() {
    return idleTicks.get();
  }

  /** Stops killing; returns once no kill is in progress. */
  void stop() throws InterruptedException {
    timer.shutdown();
    if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
      timer.shutdownNow();
    }
  }
}
