package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JVM a test starts on the test's own class path, running a main class of the tests: its stdout
 * is read line by line, its stderr is discarded, and closing it kills it.
 */
final class Jvm implements AutoCloseable {
  /** The bound on each wait for the JVM: for its next line, or for its exit. */
  static final Duration LIMIT = Duration.ofMinutes(3);

  private final Process process;
  private final BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>(); // empty: end

  private Jvm(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readStdout, "jvm-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code main} with {@code args}. */
  static Jvm start(Class<?> main, String... args) throws IOException {
    return start(List.of(), main, args);
  }

  /** Starts {@code main} with {@code args}, with {@code options} for the JVM itself. */
  static Jvm start(List<String> options, Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return new Jvm(
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
  }

  /** The next line it writes to stdout, or null once its stdout ended. */
  String nextLine() throws InterruptedException {
    Optional<String> line = lines.poll(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    assertNotNull(line, "the JVM wrote no line within " + LIMIT);
    if (line.isEmpty()) {
      lines.add(line); // the end stays the end
    }
    return line.orElse(null);
  }

  /** Waits for it to exit, and returns the rest of its stdout, its lines joined by newlines. */
  String output() throws InterruptedException {
    exitCode();
    StringJoiner rest = new StringJoiner("\n");
    for (String line; (line = nextLine()) != null; ) {
      rest.add(line);
    }
    return rest.toString();
  }

  /** Waits for it to exit, and returns its exit code. */
  int exitCode() throws InterruptedException {
    assertTrue(
        process.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS),
        "the JVM did not exit within " + LIMIT);
    return process.exitValue();
  }

  /** Kills it, as kill -9 does, and waits for it to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    exitCode();
  }

  /** Kills it if it still runs, and waits (bounded) for it to be gone. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void readStdout() {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        lines.add(Optional.of(line));
      }
    } catch (IOException e) {
      // a killed JVM's stdout may end this way: it ended all the same
    } finally {
      lines.add(Optional.empty());
    }
  }
}
