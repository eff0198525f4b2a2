package io.nightcoral.internal.pool;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.google.protobuf.MessageLite;
import io.nightcoral.protocol.Frames;
import io.nightcoral.worker.JobHandler;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line of a worker child: the server's own {@code java}, output-safety flags, the
 * user's JVM options, a class-data archive once one exists, and an explicit class path: the
 * runtime's own jars first, then the server's class path and module path, then the extra entries.
 */
public final class ChildCommand {
  /** Keep the JVM's own messages off stdout, which carries frames only. */
  static final List<String> STDOUT_SAFETY =
      List.of("-Xlog:disable", "-Xlog:all=warning:stderr", "-XX:+DisplayVMOutputToStderr");

  /** The child's entry point, in the worker runtime. */
  static final String MAIN_CLASS = "io.nightcoral.worker.WorkerMain";

  private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final List<String> jvmOptions;
  private final String classpath;
  private final CdsArchive archive;

  /**
   * A command for children with {@code jvmOptions} and {@code extraClasspath}, and a class-data
   * archive kept in {@code archiveFolder} (null for none).
   */
  public ChildCommand(List<String> jvmOptions, List<Path> extraClasspath, Path archiveFolder) {
    this.jvmOptions = List.copyOf(jvmOptions);
    List<String> runtime = runtimeEntries();
    Set<String> entries = new LinkedHashSet<>(runtime);
    for (String path : List.of("java.class.path", "jdk.module.path")) {
      for (String entry : System.getProperty(path, "").split(File.pathSeparator)) {
        if (!entry.isEmpty()) {
          entries.add(entry);
        }
      }
    }
    for (Path p : extraClasspath) {
      entries.add(p.toAbsolutePath().toString());
    }
    this.classpath = String.join(File.pathSeparator, entries);
    this.archive = new CdsArchive(java, this.jvmOptions, runtime, archiveFolder);
  }

  /** The folder for the class-data archive when the builder names none. */
  public static Path defaultArchiveFolder() {
    return PrivateFolder.defaultLocation("cds");
  }

  /** The command to start a child now (with the class-data archive if it is ready). */
  List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(STDOUT_SAFETY);
    command.addAll(archive.flags());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath);
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
   * Where the runtime's own classes come from: a server in a container or a fat jar may not list
   * them.
   */
  static List<String> runtimeEntries() {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c :
        List.of(
            JobHandler.class,
            Frames.class,
            MessageLite.class,
            ObjectMapper.class,
            JsonParser.class,
            JsonProperty.class,
            JavaTimeModule.class)) {
      String location = locationOf(c);
      if (location != null) {
        entries.add(location);
      }
    }
    return List.copyOf(entries);
  }

  private static String locationOf(Class<?> c) {
    CodeSource source = c.getProtectionDomain().getCodeSource();
    if (source == null
        || source.getLocation() == null
        || !"file".equals(source.getLocation().getProtocol())) {
      return null;
    }
    try {
      return Path.of(source.getLocation().toURI()).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
