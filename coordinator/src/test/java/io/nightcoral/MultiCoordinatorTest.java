package io.nightcoral;

import static io.nightcoral.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightcoral.testpg.PgServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several coordinator JVMs on one PostgreSQL database: every job runs once (or, for the jobs of a
 * coordinator killed as they ran, again on another), none is lost, timers and schedule firings
 * happen once across them, a unique key admits one job, and a query's reply reaches the coordinator
 * that added the job. Each handler run is recorded in a table of the test's own.
 */
class MultiCoordinatorTest {
  private static final List<String> CHILD_JVM = List.of("-Xmx192m", "-XX:TieredStopAtLevel=1");

  private String url;

  @BeforeEach
  void database() throws SQLException {
    url = PgServer.newDatabase();
    sql("CREATE TABLE test_runs (value INTEGER NOT NULL, node TEXT NOT NULL)");
  }

  /**
   * A coordinator: args are the database URL, its name, its worker count, and the range of job
   * values it adds. It schedules "tick" every second and adds the keyed timer "only-one" (saying
   * whether that stored it), adds its jobs, launches its workers and says "ready".
   */
  public static final class Node {
    private static final ThreadLocal<Connection> connection = new ThreadLocal<>();

    public static void main(String[] args) throws Exception {
      String url = args[0];
      String name = args[1];
      int workers = Integer.parseInt(args[2]);
      int from = Integer.parseInt(args[3]);
      int to = Integer.parseInt(args[4]);
      NightCoral<TestJob> nc =
          NightCoral.builder(TestJob.class)
              .databaseUrl(url)
              .nodeLeaseTimeout(Duration.ofSeconds(10))
              .fakeWorker(job -> run(url, name, job))
              .build();
      nc.schedule("tick", Schedule.every(Duration.ofSeconds(1)), new TestJob("tick", -1));
      QueuedJob keyed =
          nc.addTimer(Duration.ofMinutes(10), new TestJob("keyed", -2), JobOptions.key("only-one"));
      System.out.println("keyed " + keyed.created());
      List<TestJob> batch = new ArrayList<>();
      for (int value = from; value < to; value++) {
        batch.add(new TestJob("count", value));
        if (batch.size() == 1_000 || value == to - 1) {
          nc.addAll(batch);
          batch.clear();
        }
      }
      if (workers > 0) {
        nc.launch(workers);
      }
      System.out.println("ready");
      System.out.flush();
      new java.util.concurrent.CountDownLatch(1).await(); // until killed
    }

    private static TestJob run(String url, String name, TestJob job) throws Exception {
      Connection db = connection.get();
      if (db == null) {
        db = DriverManager.getConnection(url);
        connection.set(db);
      }
      try (PreparedStatement st =
          db.prepareStatement("INSERT INTO test_runs (value, node) VALUES (?, ?)")) {
        st.setInt(1, job.value());
        st.setString(2, name);
        st.executeUpdate();
      }
      if (job.task().equals("slow")) {
        TimeUnit.MILLISECONDS.sleep(20); // work that takes a while, so a kill catches some
      }
      return job.task().equals("square") ? new TestJob("square", job.value() * job.value()) : null;
    }
  }

  private Jvm node(String name, int workers, int from, int to) throws Exception {
    return Jvm.start(
        CHILD_JVM,
        Node.class,
        url,
        name,
        Integer.toString(workers),
        Integer.toString(from),
        Integer.toString(to));
  }

  /** Waits for the node's "keyed" and "ready" lines; returns whether its keyed add stored a job. */
  private static boolean started(Jvm node) throws InterruptedException {
    String keyed = node.nextLine();
    assertTrue(keyed.startsWith("keyed "), keyed);
    assertEquals("ready", node.nextLine());
    return keyed.equals("keyed true");
  }

  @Test
  void twoCoordinatorsRunTwentyThousandJobsAddedThroughBothEachOnce() throws Exception {
    try (Jvm a = node("a", 3, 0, 10_000);
        Jvm b = node("b", 3, 10_000, 20_000)) {
      int stored = (started(a) ? 1 : 0) + (started(b) ? 1 : 0);
      assertEquals(1, stored, "the unique key admitted one job");
      // a third coordinator with no workers: its query runs on a or b, and the reply comes back
      try (NightCoral<TestJob> asker = NightCoral.builder(TestJob.class).databaseUrl(url).build()) {
        assertEquals(
            new TestJob("square", 9), Await.get(asker.addQuery(new TestJob("square", -3)).reply()));
      }
      await()
          .atMost(Duration.ofMinutes(3))
          .until(
              () ->
                  count("SELECT count(DISTINCT value) FROM test_runs WHERE value >= 0") == 20_000);
      assertEquals(
          20_000, count("SELECT count(*) FROM test_runs WHERE value >= 0"), "each ran once");
      assertEquals(1, count("SELECT count(*) FROM nightcoral_jobs WHERE job_key = 'only-one'"));
      assertEquals(0, count("SELECT count(*) FROM nightcoral_dead_jobs"));
    }
  }

  @Test
  void aKilledCoordinatorsJobsFinishOnTheOthersAndTimersAndSchedulesFireOnce() throws Exception {
    long start = System.currentTimeMillis();
    try (Jvm a = node("a", 2, 0, 0);
        Jvm b = node("b", 2, 0, 0);
        Jvm c = node("c", 2, 0, 0);
        NightCoral<TestJob> adder = NightCoral.builder(TestJob.class).databaseUrl(url).build()) {
      int stored = (started(a) ? 1 : 0) + (started(b) ? 1 : 0) + (started(c) ? 1 : 0);
      assertEquals(1, stored, "the unique key admitted one job");
      List<TestJob> jobs = new ArrayList<>();
      for (int value = 0; value < 1_500; value++) {
        jobs.add(new TestJob("slow", value));
      }
      adder.addAll(jobs);
      await().until(() -> count("SELECT count(*) FROM test_runs WHERE node = 'c'") >= 20);
      c.kill();
      adder.addTimer(Duration.ofSeconds(1), new TestJob("timer", 100_000));
      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> count("SELECT count(DISTINCT value) FROM test_runs WHERE value >= 0") == 1_501);
      await().until(() -> count("SELECT count(*) FROM nightcoral_nodes") == 3); // c is gone
      assertEquals(
          1, count("SELECT count(*) FROM test_runs WHERE value = 100000"), "the timer fired once");
      assertEquals(
          0,
          count(
              "SELECT count(*) FROM (SELECT value FROM test_runs WHERE value >= 0 GROUP BY value"
                  + " HAVING count(*) > 1 AND count(*) FILTER (WHERE node = 'c') = 0) twice"),
          "only jobs that ran on c when it died ran again");
      long seconds = (System.currentTimeMillis() - start) / 1_000;
      long firings = count("SELECT count(*) FROM test_runs WHERE value = -1");
      long skipped = count("SELECT skipped FROM nightcoral_schedules WHERE name = 'tick'");
      assertTrue(firings >= 1, "the schedule fired");
      assertTrue(
          firings + skipped <= seconds + 3,
          "at most one firing per period: " + firings + " + " + skipped + " in " + seconds + " s");
      assertEquals(1, count("SELECT count(*) FROM nightcoral_jobs WHERE job_key = 'only-one'"));
    }
  }

  private long count(String query) throws SQLException {
    try (Connection db = DriverManager.getConnection(url);
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void sql(String statement) throws SQLException {
    try (Connection db = DriverManager.getConnection(url);
        Statement st = db.createStatement()) {
      st.execute(statement);
    }
  }
}
