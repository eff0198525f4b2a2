package io.nightcoral.internal.pool;

import io.nightcoral.internal.EngineException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a worker child: the server's own {@code java}, output-safety flags, the
 * user's JVM options, a class-data archive once one exists, and an explicit class path built by
 * {@link ChildClasspath}: the runtime's own jars first, then the server's class path and module
 * path, then the extra entries; from a Spring Boot executable jar, its nested jars unpacked.
 */
public final class ChildCommand {
  /** Keep the JVM's own messages off stdout, which carries frames only. */
  static final List<String> STDOUT_SAFETY =
      List.of("-Xlog:disable", "-Xlog:all=warning:stderr", "-XX:+DisplayVMOutputToStderr");

  /** The child's entry point, in the worker runtime. */
  static final String MAIN_CLASS = "io.nightcoral.worker.WorkerMain";

  private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final List<String> jvmOptions;
  private final ChildClasspath classpath;
  private final IOException noClasspath;
  private final CdsArchive archive;

  /**
   * A command for children with {@code jvmOptions} and {@code extraClasspath}, and a class-data
   * archive kept in {@code archiveFolder} (null for none).
   */
  public ChildCommand(List<String> jvmOptions, List<Path> extraClasspath, Path archiveFolder) {
    this(jvmOptions, extraClasspath, archiveFolder, JarCache.standard());
  }

  ChildCommand(
      List<String> jvmOptions, List<Path> extraClasspath, Path archiveFolder, JarCache jars) {
    this.jvmOptions = List.copyOf(jvmOptions);
    ChildClasspath built = null;
    IOException failure = null;
    try {
      built = ChildClasspath.of(extraClasspath, jars);
    } catch (IOException e) {
      failure = e; // reported by command(), where launch turns it into its own error
    }
    this.classpath = built;
    this.noClasspath = failure;
    this.archive =
        new CdsArchive(
            java, this.jvmOptions, built == null ? List.of() : built.runtime(), archiveFolder);
  }

  /** The folder for the class-data archive when the builder names none. */
  public static Path defaultArchiveFolder() {
    return PrivateFolder.defaultLocation("cds");
  }

  /**
   * The command to start a child now (with the class-data archive if it is ready).
   *
   * @throws EngineException when there is no class path the child could use
   */
  List<String> command() {
    String cp;
    try {
      if (classpath == null) {
        throw noClasspath;
      }
      cp = classpath.current();
    } catch (IOException e) {
      throw new EngineException("worker children cannot start: " + e.getMessage(), e);
    }
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(STDOUT_SAFETY);
    command.addAll(archive.flags());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(cp);
    command.add(MAIN_CLASS);
    return command;
  }

  /** The class-data archive's file name in its folder, or null when these children get none. */
  String archiveFileName() {
    return archive.fileName();
  }

  /** Builds the class-data archive in the background if there is none yet. */
  void prepareArchive() {
    archive.trainInBackground();
  }

  /** Stops building the archive, if that is under way. */
  void stopPreparing() {
    archive.cancel();
  }

  /**
   * Where the runtime's own classes come from when they are plain files: a server in a container or
   * a fat jar may not list them on its class path.
   */
  static List<String> runtimeEntries() {
    try {
      return ChildClasspath.of(List.of(), JarCache.standard()).runtime();
    } catch (IOException e) {
      return List.of();
    }
  }
}
