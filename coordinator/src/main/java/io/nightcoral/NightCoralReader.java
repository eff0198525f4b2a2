package io.nightcoral;

import io.nightcoral.internal.EngineException;
import io.nightcoral.internal.store.DeadRow;
import io.nightcoral.internal.store.JobQuery;
import io.nightcoral.internal.store.ListedJob;
import io.nightcoral.internal.store.ScheduleRow;
import io.nightcoral.internal.store.StoreCounts;
import io.nightcoral.internal.store.StoreReader;
import io.nightcoral.internal.store.postgres.Connector;
import io.nightcoral.internal.store.postgres.PostgresReader;
import io.nightcoral.internal.store.sqlite.SqliteReader;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A read-only view of a NightCoral database (a SQLite file, or a PostgreSQL database), for tools
 * and scripts: it works while servers use the database (a WAL reader, or PostgreSQL's MVCC, never
 * blocks them), and changes nothing. Jobs are shown as their stored text. Thread-safe; close it
 * when done.
 */
public final class NightCoralReader implements AutoCloseable {
  private final StoreReader reader;

  private NightCoralReader(StoreReader reader) {
    this.reader = reader;
  }

  /** Opens the database at {@code database} read-only; it must exist and be NightCoral's. */
  public static NightCoralReader open(Path database) {
    Objects.requireNonNull(database, "database");
    try {
      return new NightCoralReader(SqliteReader.open(database));
    } catch (EngineException e) {
      throw new NightCoralException(e.getMessage(), e);
    }
  }

  /**
   * Opens the PostgreSQL database at {@code databaseUrl} ({@code jdbc:postgresql://...}, user and
   * password as its parameters) read-only; it must hold NightCoral's tables. Needs the PostgreSQL
   * JDBC driver on the class path.
   */
  public static NightCoralReader openUrl(String databaseUrl) {
    Objects.requireNonNull(databaseUrl, "databaseUrl");
    try {
      return new NightCoralReader(PostgresReader.open(Connector.url(databaseUrl)));
    } catch (EngineException e) {
      throw new NightCoralException(e.getMessage(), e);
    }
  }

  /** Opens the PostgreSQL database behind {@code dataSource} read-only. */
  public static NightCoralReader open(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    try {
      return new NightCoralReader(PostgresReader.open(Connector.dataSource(dataSource)));
    } catch (EngineException e) {
      throw new NightCoralException(e.getMessage(), e);
    }
  }

  /** How many jobs there are of each kind now. */
  public DatabaseCounts counts() {
    StoreCounts c = read(() -> reader.counts(System.currentTimeMillis()));
    return new DatabaseCounts(c.due(), c.timers(), c.retrying(), c.dead(), c.schedules());
  }

  /**
   * A page of unfinished jobs, chosen by {@code filter}; a job due now shows as {@link
   * JobState#QUEUED} (a reader cannot tell whether a worker runs it).
   */
  public List<StoredJob<String>> jobs(JobFilter filter) {
    Objects.requireNonNull(filter, "filter");
    long now = System.currentTimeMillis();
    JobQuery query =
        new JobQuery(
            filter.stateFilter() == null ? null : NightCoral.stateName(filter.stateFilter()),
            filter.keyFilter(),
            filter.priorityFilter(),
            filter.isNewestFirst(),
            filter.afterId(),
            filter.pageLimit(),
            now);
    List<StoredJob<String>> jobs = new ArrayList<>();
    for (ListedJob row : read(() -> reader.jobs(query))) {
      jobs.add(
          new StoredJob<>(
              row.id(),
              row.payload(),
              row.payload(),
              row.key(),
              row.priority(),
              row.dueAt() > now
                  ? row.lastError() == null ? JobState.TIMER : JobState.RETRYING
                  : JobState.QUEUED,
              Instant.ofEpochMilli(row.dueAt()),
              Instant.ofEpochMilli(row.createdAt()),
              row.attempts(),
              row.lastError()));
    }
    return jobs;
  }

  /** Every dead job, oldest death first. */
  public List<DeadJob<String>> deadJobs() {
    List<DeadJob<String>> dead = new ArrayList<>();
    for (DeadRow row : read(reader::deadJobs)) {
      dead.add(
          new DeadJob<>(
              row.id(),
              row.payload(),
              row.attempts(),
              row.lastError(),
              Instant.ofEpochMilli(row.diedAt()),
              row.payload(),
              null));
    }
    return dead;
  }

  /** Every recurring job, by name. */
  public List<ScheduledJob<String>> schedules() {
    List<ScheduledJob<String>> all = new ArrayList<>();
    for (ScheduleRow row : read(reader::schedules)) {
      all.add(
          new ScheduledJob<>(
              row.name(),
              row.spec(),
              row.payload(),
              row.nextRun() == Long.MAX_VALUE ? null : Instant.ofEpochMilli(row.nextRun()),
              row.lastRun() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(row.lastRun()),
              row.skipped(),
              row.payload()));
    }
    return all;
  }

  /** Closes the connection. */
  @Override
  public void close() {
    reader.close();
  }

  private interface Read<T> {
    T run() throws SQLException;
  }

  private static <T> T read(Read<T> read) {
    try {
      return read.run();
    } catch (SQLException e) {
      throw new NightCoralException("cannot read the database: " + e.getMessage(), e);
    }
  }
}
