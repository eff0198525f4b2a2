package io.nightcoral.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link HeldServer} in a JVM of its own, holding a database from start until stop. */
final class ServerProcess implements AutoCloseable {
  private static final long LIMIT_SECONDS = 120;

  private final Process process;
  private final Path log;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private ServerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (Throwable e) {
                lines.add("cannot read the server's stdout: " + e);
              }
            },
            "nightcoral-test-server-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a server on {@code db} with this JVM's class path, its stderr in {@code log}, and
   * returns once it has filled the database and holds it.
   */
  static ServerProcess start(Path db, Path log) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                HeldServer.class.getName(),
                db.toString())
            .redirectError(log.toFile())
            .start();
    ServerProcess server = new ServerProcess(process, log);
    try {
      server.expect("ready");
    } catch (Throwable e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Asks the server to close its NightCoral and waits until it has, and its JVM is gone. */
  void stop() throws Exception {
    try (Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
      in.write("stop\n");
    }
    expect("stopped");
    if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError("the server did not exit\n" + log());
    }
  }

  private void expect(String line) throws InterruptedException {
    String got = lines.poll(LIMIT_SECONDS, TimeUnit.SECONDS);
    if (!line.equals(got)) {
      throw new AssertionError("the server said " + got + ", not " + line + "\n" + log());
    }
  }

  private String log() {
    try {
      return "--- server stderr\n" + Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the server if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
