package io.nightcoral;

import io.nightcoral.internal.store.JobRow;
import io.nightcoral.internal.store.JobStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongPredicate;

/**
 * Due jobs read ahead from the database, up to {@code cacheJobs} per query, in the order they run:
 * higher priority first, then earlier due time, then lower id. It always holds a prefix of that
 * order (the next jobs to run), and knows whether the database may hold due jobs after it, so it
 * queries only when it must. Confined to the queue's thread.
 */
final class ReadyCache {
  /** The order jobs run in. */
  static final Comparator<JobRow> RUN_ORDER =
      Comparator.comparingInt(JobRow::priority)
          .reversed()
          .thenComparingLong(JobRow::dueAt)
          .thenComparingLong(JobRow::id);

  private final JobStore store;
  private final int size;
  private final TreeSet<JobRow> jobs = new TreeSet<>(RUN_ORDER);
  private final Map<Long, JobRow> byId = new HashMap<>();
  private boolean mayHaveMore = true;
  private boolean stale;

  ReadyCache(JobStore store, int size) {
    this.store = store;
    this.size = size;
  }

  /** A job just stored and due: kept in its place if it belongs among the next jobs to run. */
  void stored(JobRow job) {
    if (store.shared()) {
      // another coordinator may claim it first: only claims fill this cache; if it runs before
      // what the cache holds, read again (giving back those claims)
      if (!jobs.isEmpty() && RUN_ORDER.compare(job, jobs.last()) < 0) {
        stale = true;
      }
      mayHaveMore = true;
      return;
    }
    if (jobs.isEmpty() ? !mayHaveMore : RUN_ORDER.compare(job, jobs.last()) < 0) {
      add(job);
      if (jobs.size() > size) {
        byId.remove(jobs.pollLast().id());
        mayHaveMore = true;
      }
    } else if (!mayHaveMore && jobs.size() < size) {
      add(job);
    } else {
      mayHaveMore = true;
    }
  }

  private void add(JobRow job) {
    jobs.add(job);
    byId.put(job.id(), job);
  }

  /**
   * Due jobs appeared that may run before the ones held here (timers fell due, a job came back):
   * read again from the database.
   */
  void invalidate() {
    stale = true; // read again at the next peek, inside a transaction
  }

  boolean mayHaveDue() {
    return mayHaveMore || !jobs.isEmpty();
  }

  /**
   * The next due job not {@code held} by a worker, left in place (see {@link #take}); reads ahead
   * from the database when empty; null if none.
   */
  JobRow peek(long horizon, int heldCount, LongPredicate held) throws SQLException {
    if (stale) {
      clear();
    }
    if (jobs.isEmpty() && mayHaveMore) {
      int limit = size + heldCount;
      List<JobRow> rows = store.loadDue(horizon, limit);
      List<Long> unused = new ArrayList<>();
      for (JobRow row : rows) {
        if (!held.test(row.id()) && jobs.size() < size) {
          add(row);
        } else if (!held.test(row.id())) {
          unused.add(row.id());
        }
      }
      if (store.shared() && !unused.isEmpty()) {
        store.release(unused); // claimed, but beyond what this cache keeps
      }
      mayHaveMore = rows.size() >= limit;
    }
    return jobs.isEmpty() ? null : jobs.first();
  }

  /** Takes the job {@link #peek} returned: it goes to a worker. */
  void take(JobRow job) {
    remove(job.id());
  }

  /** Forgets a deleted job. */
  void remove(long id) {
    JobRow job = byId.remove(id);
    if (job != null) {
      jobs.remove(job);
    }
  }

  /**
   * Forgets everything read (after a rollback, or when the order may have changed), giving back the
   * claims on it when the store is shared; runs inside a transaction.
   */
  void clear() throws SQLException {
    if (store.shared() && !byId.isEmpty()) {
      store.release(List.copyOf(byId.keySet()));
    }
    jobs.clear();
    byId.clear();
    mayHaveMore = true;
    stale = false;
  }
}
