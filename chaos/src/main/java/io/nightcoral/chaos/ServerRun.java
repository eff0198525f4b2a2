package io.nightcoral.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One server JVM started by the runner ({@link ChaosServer}, or {@link PostgresChaosNode}): its
 * stdout is read on a thread of its own, {@code ACK} lines are collected, its stderr goes to a log
 * file, and the runner may write lines to its stdin.
 */
final class ServerRun {
  private final Process process;
  private final Thread reader;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final List<String> acks = new ArrayList<>();
  private final List<String> otherLines = new ArrayList<>();

  private ServerRun(Process process) {
    this.process = process;
    this.reader = new Thread(this::read, "chaos-server-reader-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a server JVM on the runner's own class path with {@code args}; stderr goes to {@code
   * log}.
   */
  static ServerRun start(List<String> args, Path log) throws IOException {
    return start(ChaosServer.class, args, log);
  }

  /**
   * Starts a JVM running {@code main} on the runner's own class path with {@code args}; stderr goes
   * to {@code log}.
   */
  static ServerRun start(Class<?> main, List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
    return new ServerRun(builder.start());
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        synchronized (this) {
          if (line.startsWith("ACK ")) {
            acks.add(line.substring(4));
          } else {
            otherLines.add(line);
          }
        }
        if (line.equals("READY")) {
          ready.countDown();
        }
      }
    } catch (IOException e) {
      synchronized (this) {
        otherLines.add("READ-ERROR " + e);
      }
    }
  }

  boolean awaitReady(long seconds) throws InterruptedException {
    return ready.await(seconds, TimeUnit.SECONDS);
  }

  /** Writes {@code line} to the JVM's stdin. */
  void send(String line) throws IOException {
    process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().flush();
  }

  /** Closes the JVM's stdin. */
  void closeInput() throws IOException {
    process.getOutputStream().close();
  }

  /** Waits until the JVM printed {@code line}; false on timeout. */
  boolean awaitLine(String line, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!otherLines().contains(line)) {
      if (System.nanoTime() >= deadline || !process.isAlive() && !reader.isAlive()) {
        return otherLines().contains(line);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    return true;
  }

  /** The worker children of this server that are alive now. */
  List<ProcessHandle> liveWorkers() {
    return ChildKiller.liveWorkers(process.toHandle());
  }

  /** {@code kill -9}s the server JVM; true if the kill was requested. */
  boolean kill() {
    return process.toHandle().destroyForcibly();
  }

  /** Waits for the JVM to exit and its stdout to be read to the end; false on timeout. */
  boolean awaitExit(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      return false;
    }
    reader.join(TimeUnit.SECONDS.toMillis(seconds));
    return !reader.isAlive();
  }

  int exitCode() {
    return process.exitValue();
  }

  synchronized List<String> acks() {
    return List.copyOf(acks);
  }

  synchronized List<String> otherLines() {
    return List.copyOf(otherLines);
  }
}
