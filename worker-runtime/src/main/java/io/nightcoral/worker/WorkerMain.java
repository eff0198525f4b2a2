package io.nightcoral.worker;

import io.nightcoral.protocol.FrameReader;
import io.nightcoral.protocol.FrameWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The entry point of a worker child JVM, started by the coordinator: it talks to the coordinator in
 * frames over stdin and stdout, and runs the handler class the coordinator names.
 */
public final class WorkerMain {

  private static final int OUTPUT_BUFFER_BYTES = 64 * 1024;

  private WorkerMain() {}

  private static void haltWhenStdinCloses() {
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // nothing is sent to a training run
                }
              } catch (IOException e) {
                // the pipe broke: the coordinator is gone
              }
              Runtime.getRuntime().halt(Halt.FAILED);
            },
            "nightcoral-training-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  /**
   * Runs the child until the coordinator sends Shutdown or closes stdin, then kills the processes
   * it started and halts the JVM (a handler's {@code System.exit} kills them too); the real stdout
   * is kept for frames, and {@code System.out} goes to stderr. With the single argument {@code
   * --train} it only loads the classes a child needs and exits, for a class-data archive.
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("--train")) {
      haltWhenStdinCloses(); // the coordinator died: write no archive, leave nothing behind
      Training.run(); // a run that only loads classes, for a class-data-sharing archive
      return;
    }
    // Before any handler or logging class can cache them: the pipes are ours alone.
    OutputStream frameOut =
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), OUTPUT_BUFFER_BYTES);
    InputStream frameIn = new FileInputStream(FileDescriptor.in);
    System.setOut(System.err);
    System.setIn(new ByteArrayInputStream(new byte[0]));

    // Runtime.halt skips hooks: this one is for a handler's System.exit.
    Runtime.getRuntime()
        .addShutdownHook(new Thread(Halt::killDescendants, "nightcoral-worker-descendants"));

    Thread.currentThread().setName("nightcoral-worker-handler");
    Outbox outbox = Outbox.start(new FrameWriter(frameOut));
    Inbox inbox = Inbox.start(new FrameReader(new BufferedInputStream(frameIn)), outbox);
    new JobLoop(inbox, outbox).run();
  }
}
