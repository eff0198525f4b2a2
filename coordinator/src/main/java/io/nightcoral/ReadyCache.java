package io.nightcoral;

import io.nightcoral.internal.store.JobStore;
import io.nightcoral.internal.store.StoredJob;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Due jobs read ahead from the database, up to {@code cacheJobs} per query, in due order. It knows
 * whether the database may hold due jobs it has not read, so it queries only when it must. Confined
 * to the queue's thread.
 */
final class ReadyCache {
  private final JobStore store;
  private final int size;
  private final ArrayDeque<StoredJob> jobs = new ArrayDeque<>();
  private final Set<Long> ids = new HashSet<>();
  private boolean mayHaveMore = true;

  ReadyCache(JobStore store, int size) {
    this.store = store;
    this.size = size;
  }

  /** A job just stored and due: kept without a query if the cache holds every due job. */
  void stored(StoredJob job) {
    if (!mayHaveMore && jobs.size() < size) {
      jobs.add(job);
      ids.add(job.id());
    } else {
      mayHaveMore = true;
    }
  }

  /** The database may hold due jobs the cache has not read (timers fired, a job came back). */
  void mayHaveMore() {
    mayHaveMore = true;
  }

  boolean mayHaveDue() {
    return mayHaveMore || !jobs.isEmpty();
  }

  /**
   * The next due job not {@code running}, reading ahead from the database when empty; null if none.
   */
  StoredJob next(long horizon, int runningCount, LongPredicate running) throws SQLException {
    if (jobs.isEmpty() && mayHaveMore) {
      int limit = size + runningCount;
      List<StoredJob> rows = store.loadDue(horizon, limit);
      for (StoredJob row : rows) {
        if (!running.test(row.id()) && jobs.size() < size && ids.add(row.id())) {
          jobs.add(row);
        }
      }
      mayHaveMore = rows.size() >= limit;
    }
    StoredJob job = jobs.poll();
    if (job != null) {
      ids.remove(job.id());
    }
    return job;
  }

  /** Forgets a deleted job. */
  void remove(long id) {
    if (ids.remove(id)) {
      jobs.removeIf(j -> j.id() == id);
    }
  }

  /** Forgets everything read (after a failed transaction). */
  void clear() {
    jobs.clear();
    ids.clear();
    mayHaveMore = true;
  }
}
