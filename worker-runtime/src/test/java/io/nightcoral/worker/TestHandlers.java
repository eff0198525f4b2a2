package io.nightcoral.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Handlers that tests load by name, in this JVM or in a real child. */
public final class TestHandlers {

  private TestHandlers() {}

  /** A string job type. */
  public record Job(String kind, int n) {}

  /** Runs "command:argument" strings; its state is the worker config as text. */
  public static final class Commands implements JobHandler<String, String> {

    @Override
    public String setup(JsonNode config, WorkerPortal<String> portal) {
      return config.toString();
    }

    @Override
    public String handle(String job, String config, WorkerPortal<String> portal)
        throws IOException {
      int colon = job.indexOf(':');
      String command = colon < 0 ? job : job.substring(0, colon);
      String argument = colon < 0 ? "" : job.substring(colon + 1);
      switch (command) {
        case "echo":
          return argument;
        case "print":
          System.out.println(argument);
          System.out.flush();
          return "printed";
        case "post":
          portal.postJobs(List.of("a", "b"));
          portal.postJobAfter(Duration.ofSeconds(5), "c");
          return "posted";
        case "whoami":
          return config + " on worker " + portal.workerId();
        case "fail":
          throw new IllegalStateException(argument);
        case "nothing":
          return null;
        case "oom":
          throw new OutOfMemoryError(argument);
        case "block":
          return block(Integer.parseInt(argument));
        default:
          throw new IllegalArgumentException("unknown command " + command);
      }
    }

    /** Connects to the test's port and returns once the test sends a byte. */
    private static String block(int port) throws IOException {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(30_000);
        return "released by " + socket.getInputStream().read();
      }
    }
  }

  /** Squares JSON jobs. */
  public static final class Squares implements JobHandler<Job, Void> {
    @Override
    public Job handle(Job job, Void state, WorkerPortal<Job> portal) {
      return new Job("squared", job.n() * job.n());
    }
  }

  /** Fails in setup. */
  public static final class FailingSetup implements JobHandler<String, Void> {
    @Override
    public Void setup(JsonNode config, WorkerPortal<String> portal) {
      throw new IllegalStateException("no database");
    }

    @Override
    public String handle(String job, Void state, WorkerPortal<String> portal) {
      return job;
    }
  }

  /** Posts a job from setup, which the portal refuses. */
  public static final class PostsInSetup implements JobHandler<String, Void> {
    @Override
    public Void setup(JsonNode config, WorkerPortal<String> portal) {
      portal.postJob("too early");
      return null;
    }

    @Override
    public String handle(String job, Void state, WorkerPortal<String> portal) {
      return job;
    }
  }

  /** Has no no-argument constructor. */
  public static final class NeedsArgument implements JobHandler<String, Void> {
    /** Takes an argument the loader cannot give. */
    public NeedsArgument(String argument) {}

    @Override
    public String handle(String job, Void state, WorkerPortal<String> portal) {
      return job;
    }
  }

  /** Leaves its job type open. */
  public static class Unbound<T> implements JobHandler<T, Void> {
    @Override
    public T handle(T job, Void state, WorkerPortal<T> portal) {
      return job;
    }
  }

  /** A job with JDK time types. */
  public record Timed(String name, Instant at, Duration after) {}

  /** Replies with the job moved on by its own duration. */
  public static final class Later implements JobHandler<Timed, Void> {
    @Override
    public Timed handle(Timed job, Void state, WorkerPortal<Timed> portal) {
      return new Timed(job.name(), job.at().plus(job.after()), job.after());
    }
  }

  /** A job whose property has a name of two words. */
  public record Person(String firstName) {}

  /** Reads and writes jobs in snake case through its own mapper. */
  public static final class SnakeCase implements JobHandler<Person, Void> {
    @Override
    public ObjectMapper objectMapper() {
      return JobMappers.defaultMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    }

    @Override
    public Person handle(Person job, Void state, WorkerPortal<Person> portal) {
      return new Person(job.firstName().toUpperCase(Locale.ROOT));
    }
  }

  /** Its objectMapper() throws. */
  public static final class BrokenMapper implements JobHandler<String, Void> {
    @Override
    public ObjectMapper objectMapper() {
      throw new IllegalStateException("no mapper today");
    }

    @Override
    public String handle(String job, Void state, WorkerPortal<String> portal) {
      return job;
    }
  }
}
