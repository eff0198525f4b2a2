package io.nightcoral.internal.pool;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data-sharing archive of the worker runtime, which cuts a child's start-up by about a
 * third. It lives in a {@link PrivateFolder} (children map it, so no other user may write it): one
 * training child (which runs no handler code) writes it straight into that folder under a name of
 * its own, which is then renamed to the archive's name; children map it read-only, after it is
 * checked. The name is {@code <installation>-<version>.jsa}: the installation is the {@code java}
 * command, the runtime jars' paths and the JVM options; the version is the JDK's and the jars'
 * sizes and times. A new archive replaces only its own installation's older versions, never another
 * installation's. When it cannot be built (the runtime is not in jars, the options turn sharing
 * off, the folder is refused), children simply start without it.
 */
final class CdsArchive {
  private static final Logger log = LoggerFactory.getLogger("io.nightcoral");
  private static final long TRAINING_LIMIT_SECONDS = 60;
  private static final String TRAINING = ".training-";

  private final String java;
  private final List<String> jvmOptions;
  private final List<String> runtime;
  private final Path folderPath;
  private final String installation;
  private final String name;
  private final AtomicBoolean training = new AtomicBoolean();
  private final AtomicBoolean warned = new AtomicBoolean();
  private PrivateFolder folder; // guarded by this; opened on first use
  private boolean refused; // guarded by this
  private volatile Process trainer;
  private volatile boolean cancelled;

  /** An archive for children of {@code java} with these options and runtime, in {@code folder}. */
  CdsArchive(String java, List<String> jvmOptions, List<String> runtime, Path folder) {
    this.java = java;
    this.jvmOptions = jvmOptions;
    this.runtime = runtime;
    this.folderPath = folder;
    String installationKey = null;
    String versionKey = null;
    if (folder != null && usable()) {
      try {
        installationKey = installationKey();
        versionKey = versionKey();
      } catch (IOException e) {
        log.debug("no class-data archive for worker children: {}", e.toString());
      }
    }
    this.installation = versionKey == null ? null : installationKey;
    this.name = versionKey == null ? null : installationKey + "-" + versionKey + ".jsa";
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

  private String installationKey() {
    StringBuilder text = new StringBuilder(java);
    runtime.forEach(e -> text.append('\n').append(e));
    jvmOptions.forEach(o -> text.append("\n ").append(o));
    return hash(text);
  }

  private String versionKey() throws IOException {
    StringBuilder text = new StringBuilder(System.getProperty("java.vm.version"));
    for (String entry : runtime) {
      Path jar = Path.of(entry);
      text.append('\n')
          .append(Files.size(jar))
          .append(' ')
          .append(Files.getLastModifiedTime(jar).toMillis());
    }
    return hash(text);
  }

  private static String hash(CharSequence text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The archive's file name in its folder, or null when there is none for these children. */
  String fileName() {
    return name;
  }

  /** The flags that make a child use the archive, once it exists and passes the checks. */
  List<String> flags() {
    Path file = checkedArchive();
    return file == null ? List.of() : List.of("-XX:SharedArchiveFile=" + file);
  }

  /** The archive, if it exists, is ours, and no one else can write it or its folder; else null. */
  private Path checkedArchive() {
    PrivateFolder f = folder();
    if (f == null) {
      return null;
    }
    Path file = f.path().resolve(name);
    if (!Files.exists(file, NOFOLLOW_LINKS)) {
      return null;
    }
    try {
      f.checkFile(file);
      return file;
    } catch (IOException e) {
      warnOnce(e.getMessage());
      return null;
    }
  }

  /** The private folder, opened (and created) on first use; null when there is no archive. */
  private synchronized PrivateFolder folder() {
    if (name == null || refused) {
      return null;
    }
    if (folder == null) {
      try {
        if (folderPath.toString().contains(File.pathSeparator)) {
          throw new IOException(
              folderPath
                  + " is refused: -XX:SharedArchiveFile reads "
                  + File.pathSeparator
                  + " as a separator");
        }
        folder = PrivateFolder.open(folderPath);
      } catch (IOException e) {
        refused = true;
        warnOnce(e.getMessage());
        return null;
      }
    }
    return folder;
  }

  private void warnOnce(String reason) {
    if (warned.compareAndSet(false, true)) {
      log.warn(
          "worker children start without a class-data archive: {} (choose a folder only this user"
              + " can write with workerCdsArchive(Path), or turn the archive off with"
              + " workerCdsArchive(null))",
          reason);
    }
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
    PrivateFolder f = folder();
    if (f == null
        || Files.exists(f.path().resolve(name), NOFOLLOW_LINKS)
        || !training.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> train(f), "nightcoral-cds");
    t.setDaemon(true);
    t.start();
  }

  private void train(PrivateFolder f) {
    Path file = f.path().resolve(name);
    Path partial =
        f.path()
            .resolve(name + TRAINING + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      f.check();
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
        log.debug("no class-data archive for worker children: the training run took too long");
      } else if (p.exitValue() == 0 && Files.exists(partial, NOFOLLOW_LINKS)) {
        f.checkFile(partial);
        Files.move(
            partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log.info(
            "class-data archive for worker children written to {} ({} KB)",
            file,
            Files.size(file) / 1024);
        removeStale(f);
      } else {
        log.debug("no class-data archive for worker children: the training run failed");
      }
    } catch (IOException e) {
      log.debug("no class-data archive for worker children: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      log.warn("no class-data archive for worker children", t);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException e) {
        log.debug("cannot remove {}: {}", partial, e.toString());
      }
    }
  }

  /**
   * Removes this installation's older archives, and its training leftovers too old to belong to a
   * run still going; other installations' files stay.
   */
  private void removeStale(PrivateFolder f) throws IOException {
    Instant abandoned = Instant.now().minus(Duration.ofSeconds(2 * TRAINING_LIMIT_SECONDS));
    try (DirectoryStream<Path> files = Files.newDirectoryStream(f.path(), installation + "-*")) {
      for (Path p : files) {
        String n = p.getFileName().toString();
        boolean stale =
            n.endsWith(".jsa")
                ? !n.equals(name)
                : n.contains(TRAINING)
                    && Files.getLastModifiedTime(p, NOFOLLOW_LINKS).toInstant().isBefore(abandoned);
        if (stale) {
          Files.deleteIfExists(p); // a child that maps it keeps its copy until it exits
        }
      }
    }
  }
}
