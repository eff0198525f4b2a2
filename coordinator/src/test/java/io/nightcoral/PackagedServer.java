package io.nightcoral;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server that packaging tests start from a shaded or a Spring Boot executable jar: it launches
 * two children, asks each a query, and prints the answers and the children's class path.
 *
 * <p>Argument: the database file.
 */
public final class PackagedServer {
  private PackagedServer() {}

  public static void main(String[] args) throws Exception {
    try (NightCoral<TestJob> nc =
        NightCoral.builder(TestJob.class)
            .databaseFile(Path.of(args[0]))
            .workerCdsArchive(null)
            .build()) {
      nc.launch(TestHandler.class, 2);
      TestJob square = nc.addQuery(new TestJob("square", 7)).reply().get(30, TimeUnit.SECONDS);
      System.out.println("square " + square.value());
      TestJob pid = nc.addQuery(new TestJob("pid", 0)).reply().get(30, TimeUnit.SECONDS);
      boolean ours =
          ProcessHandle.of(pid.value())
              .flatMap(ProcessHandle::parent)
              .map(parent -> parent.pid() == ProcessHandle.current().pid())
              .orElse(false);
      System.out.println("ran in a child " + ours);
      for (ProcessHandle child : ProcessHandle.current().children().toList()) {
        // the JDK's ProcessHandle.Info leaves out long command lines: read them whole
        String cmdline = Files.readString(Path.of("/proc", String.valueOf(child.pid()), "cmdline"));
        List<String> arguments = Arrays.asList(cmdline.split("\0"));
        int cp = arguments.indexOf("-cp");
        if (cp >= 0) {
          System.out.println("classpath " + arguments.get(cp + 1));
        }
      }
    }
    System.out.println("closed");
  }
}
