package io.nightcoral.internal.pool;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data-sharing archive of the worker runtime, which cuts a child's start-up by about a
 * third. One training child (which runs no handler code) writes it once, under a name derived from
 * the JDK, the JVM options and the runtime jars; children then map it read-only. When it cannot be
 * built (the runtime is not in jars, or the options turn sharing off), children simply start
 * without it.
 */
final class CdsArchive {
  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");

  /** Where the archive lives unless the builder says otherwise. */
  static final Path DEFAULT_FOLDER =
      Path.of(System.getProperty("java.io.tmpdir"), "nightcoral-cds");

  private static final long TRAINING_LIMIT_SECONDS = 60;
  private static final int ARCHIVES_KEPT = 4;

  private final String java;
  private final List<String> jvmOptions;
  private final List<String> runtime;
  private final Path folder;
  private final Path file;
  private final AtomicBoolean training = new AtomicBoolean();
  private volatile Process trainer;
  private volatile boolean cancelled;
  private volatile boolean ready;

  CdsArchive(String java, List<String> jvmOptions, List<String> runtime, Path folder) {
    this.java = java;
    this.jvmOptions = jvmOptions;
    this.runtime = runtime;
    this.folder = folder;
    this.file = folder != null && usable() ? folder.resolve(key() + ".jsa") : null;
  }

  private boolean usable() {
    boolean ownSharingFlags =
        jvmOptions.stream()
            .anyMatch(
                o ->
                    o.startsWith("-Xshare")
                        || o.startsWith("-XX:SharedArchiveFile")
                        || o.startsWith("-XX:ArchiveClassesAtExit"));
    return !ownSharingFlags
        && !runtime.isEmpty()
        && runtime.stream().allMatch(e -> e.endsWith(".jar") && Files.isRegularFile(Path.of(e)));
  }

  private String key() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      StringBuilder text =
          new StringBuilder(java).append('\n').append(System.getProperty("java.vm.version"));
      jvmOptions.forEach(o -> text.append('\n').append(o));
      for (String entry : runtime) {
        Path jar = Path.of(entry);
        text.append('\n')
            .append(entry)
            .append(' ')
            .append(Files.size(jar))
            .append(' ')
            .append(Files.getLastModifiedTime(jar).toMillis());
      }
      return HexFormat.of()
          .formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)), 0, 12);
    } catch (IOException | NoSuchAlgorithmException e) {
      return "unkeyed";
    }
  }

  /** Keeps the newest few archives (older ones belong to jars or JDKs since replaced). */
  private void removeOldArchives() throws IOException {
    List<Path> archives;
    try (Stream<Path> files = Files.list(folder)) {
      archives =
          files
              .filter(p -> p.toString().endsWith(".jsa"))
              .sorted(Comparator.comparing((Path p) -> p.toFile().lastModified()).reversed())
              .toList();
    }
    for (Path old : archives.subList(Math.min(ARCHIVES_KEPT, archives.size()), archives.size())) {
      Files.deleteIfExists(old); // a child that maps it keeps its copy until it exits
    }
  }

  /** The archive's file name in its folder, or null when there is none for these children. */
  String fileName() {
    return file == null ? null : file.getFileName().toString();
  }

  /** The flags that make a child use the archive, once it exists. */
  List<String> flags() {
    if (file == null) {
      return List.of();
    }
    if (!ready && Files.isRegularFile(file)) {
      ready = true;
    }
    return ready ? List.of("-XX:SharedArchiveFile=" + file) : List.of();
  }

  /** Stops a training run in progress (the pool is shutting down: no process may outlive it). */
  synchronized void cancel() {
    cancelled = true;
    Process p = trainer;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  /** Starts the one training child if the archive does not exist yet. */
  void trainInBackground() {
    if (file == null || !flags().isEmpty() || !training.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(this::train, "nightcoral-cds");
    t.setDaemon(true);
    t.start();
  }

  private void train() {
    try {
      Files.createDirectories(folder);
      Path partial = Files.createTempFile(folder, "training-", ".jsa");
      Files.delete(partial);
      List<String> command = new ArrayList<>(List.of(java));
      command.addAll(ChildCommand.STDOUT_SAFETY);
      command.addAll(jvmOptions);
      command.add("-XX:ArchiveClassesAtExit=" + partial);
      command.add("-cp");
      command.add(String.join(File.pathSeparator, runtime));
      command.add(ChildCommand.MAIN_CLASS);
      command.add("--train");
      Process p;
      synchronized (this) {
        if (cancelled) {
          return;
        }
        p =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        trainer = p;
      }
      if (!p.waitFor(TRAINING_LIMIT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      } else if (p.exitValue() == 0 && Files.isRegularFile(partial)) {
        Files.move(
            partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        ready = true;
        log.info(
            "class-data archive for worker children written to {} ({} KB)",
            file,
            Files.size(file) / 1024);
        removeOldArchives();
        return;
      }
      Files.deleteIfExists(partial);
      log.debug("no class-data archive for worker children: the training run failed");
    } catch (IOException e) {
      log.debug("no class-data archive for worker children: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
