package io.nightcoral.internal.store;

import java.sql.SQLException;
import java.util.List;

/**
 * Read-only queries for inspection, on a connection of their own, so that reading never holds up
 * the queue's commits. Thread-safe.
 */
public interface StoreReader extends AutoCloseable {
  /** A page of jobs. */
  List<ListedJob> jobs(JobQuery query) throws SQLException;

  /** Every dead job, oldest death first. */
  List<DeadRow> deadJobs() throws SQLException;

  /** Every schedule, by name. */
  List<ScheduleRow> schedules() throws SQLException;

  /** How many jobs there are of each kind as of {@code now}. */
  StoreCounts counts(long now) throws SQLException;

  @Override
  void close();
}
