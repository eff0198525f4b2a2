package io.nightcoral.internal.store;

import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Where jobs are kept: the queue's only view of the database. One thread at a time uses a store;
 * every method but {@link #commit}, {@link #commitUnsynced}, {@link #sync}, {@link #rollback} and
 * {@link #close} runs inside the current transaction, which the caller ends with {@link #commit},
 * {@link #commitUnsynced} or {@link #rollback}.
 *
 * <p>A job's due time is epoch milliseconds; a job is due once its due time is at or before the
 * queue's horizon. Jobs due later are timers (or failed jobs waiting to retry).
 */
public interface JobStore extends AutoCloseable {
  /** The database's name, for messages. */
  String name();

  /**
   * Inserts a job stored at {@code now} and returns its new id (ids are never reused); if {@code
   * key} is not null and an unfinished job has it, stores nothing and returns that job's id. {@code
   * awaited}: this coordinator waits for the job's reply (on a shared store, the coordinator that
   * runs it sends the reply here).
   */
  Inserted insert(String payload, long dueAt, long now, String key, int priority, boolean awaited)
      throws SQLException;

  /**
   * Inserts jobs without keys, all due at {@code dueAt} with {@code priority}, stored at {@code
   * now}, in the order given; returns their new ids in that order. Like {@link #insert} for each,
   * done at once where the store can.
   */
  default long[] insertAll(List<String> payloads, long dueAt, long now, int priority)
      throws SQLException {
    long[] ids = new long[payloads.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = insert(payloads.get(i), dueAt, now, null, priority, false).id();
    }
    return ids;
  }

  /**
   * Whether coordinators in other processes share this store (PostgreSQL): then {@link #loadDue}
   * claims what it returns, leases and notices apply, and counts are only as fresh as the last
   * recount.
   */
  default boolean shared() {
    return false;
  }

  /** This coordinator's id among those sharing the store. */
  default String node() {
    return "local";
  }

  /** Gives back the claims on jobs {@link #loadDue} returned that no worker got. */
  default void release(Collection<Long> ids) throws SQLException {}

  /**
   * Sends job {@code jobId}'s reply to coordinator {@code node}, which awaits it, in the
   * transaction that retires the job (or sets it aside: {@code failed}).
   */
  default void sendReply(String node, ReplyRow reply) throws SQLException {}

  /** Takes (deletes and returns) the replies other coordinators sent to this one. */
  default List<ReplyRow> takeReplies() throws SQLException {
    return List.of();
  }

  /**
   * Renews this coordinator's lease as of {@code now}, and gives the jobs held by coordinators
   * whose lease lapsed more than {@code leaseMillis} ago back to the queue; returns how many.
   */
  default int renewLease(long now, long leaseMillis) throws SQLException {
    return 0;
  }

  /**
   * Starts listening for other coordinators' news, which {@code news} hears on a thread of the
   * store's; a store that is not shared hears none.
   */
  default void listen(Consumer<Notice> news) {}

  /** Deletes a job; returns the due time it had, or empty if there was no such job. */
  OptionalLong delete(long id) throws SQLException;

  /** Records that an attempt of the job started; written by {@link #flushBatched}. */
  void markStarted(long id);

  /** Deletes a finished job; written by {@link #flushBatched}. */
  void finished(long id);

  /**
   * Writes the batched {@link #finished} deletes and {@link #markStarted} counts; returns how many
   * finished jobs were deleted.
   */
  int flushBatched() throws SQLException;

  /** Raises the job's attempt count to {@code attempts} if it is lower. */
  void chargeAtLeast(long id, int attempts) throws SQLException;

  /** Makes a failed job due again at {@code dueAt}, keeping its error. */
  void retryLater(long id, long dueAt, String error) throws SQLException;

  /** Moves a job to the dead jobs with its attempts and last error; false if there was none. */
  boolean bury(long id, int attempts, String error, long now) throws SQLException;

  /**
   * Up to {@code limit} jobs due by {@code horizon}, in the order they should run: higher priority
   * first, then earlier due time, then lower id.
   */
  List<JobRow> loadDue(long horizon, int limit) throws SQLException;

  /** How many jobs fall due in {@code (after, upTo]}. */
  long countDueBetween(long after, long upTo) throws SQLException;

  /** How many jobs are due by {@code horizon}. */
  long countDue(long horizon) throws SQLException;

  /** How many jobs are due after {@code horizon}. */
  long countLater(long horizon) throws SQLException;

  /** The earliest due time after {@code horizon}, or {@link Long#MAX_VALUE} if none. */
  long nextDueAfter(long horizon) throws SQLException;

  /** How many dead jobs there are. */
  long countDead() throws SQLException;

  /** Every dead job, oldest death first. */
  List<DeadRow> deadJobs() throws SQLException;

  /**
   * Moves a dead job back, due at {@code dueAt} with no attempts, its key and priority kept; false
   * if there was none. Throws if its key is now held by another unfinished job.
   */
  boolean requeueDead(long id, long dueAt) throws SQLException;

  /** Whether job {@code id} is stored and unfinished. */
  boolean isUnfinished(long id) throws SQLException;

  /** The schedule named {@code name}, or null. */
  ScheduleRow schedule(String name) throws SQLException;

  /** Every schedule, by name. */
  List<ScheduleRow> schedules() throws SQLException;

  /** Stores a new schedule, or replaces one's spec, job and next run keeping its history. */
  void putSchedule(String name, String spec, String payload, long nextRun) throws SQLException;

  /** Deletes a schedule; false if there was none. */
  boolean deleteSchedule(String name) throws SQLException;

  /** The schedules due by {@code now}, earliest first. */
  List<ScheduleRow> dueSchedules(long now) throws SQLException;

  /** The earliest next run of any schedule, or {@link Long#MAX_VALUE} if there is none. */
  long nextScheduleRun() throws SQLException;

  /** A schedule fired at {@code at}, adding job {@code jobId}; it next fires at {@code nextRun}. */
  void scheduleFired(String name, long at, long jobId, long nextRun) throws SQLException;

  /** A schedule's firing was skipped (its last job had not finished); next at {@code nextRun}. */
  void scheduleSkipped(String name, long nextRun) throws SQLException;

  /** Deletes a dead job; false if there was none. */
  boolean deleteDead(long id) throws SQLException;

  /** Inspection queries on this store's own connection, for the thread that uses the store. */
  StoreReader reader();

  /** Runs a store-specific statement, for tests that simulate a full or read-only disk. */
  void pragma(String statement) throws SQLException;

  /** Marks a point in the transaction that {@link #rollbackToSavepoint} returns to. */
  void savepoint() throws SQLException;

  /** Keeps what was done since {@link #savepoint}. */
  void releaseSavepoint() throws SQLException;

  /** Undoes what was done since {@link #savepoint}, keeping the rest of the transaction. */
  void rollbackToSavepoint() throws SQLException;

  /** Commits the current transaction durably. */
  void commit() throws SQLException;

  /**
   * Whether {@link #commitUnsynced} is cheaper than {@link #commit}: the store can commit without
   * waiting for the disk, and sync later.
   */
  default boolean canCommitUnsynced() {
    return false;
  }

  /**
   * Commits the current transaction, durably only where {@link #canCommitUnsynced} is false;
   * otherwise it survives a crash of the process, and a power cut once {@link #sync} or a later
   * {@link #commit} returned. Returns whether changes now wait for {@link #sync}.
   */
  default boolean commitUnsynced() throws SQLException {
    commit();
    return false;
  }

  /** Makes every commit so far durable; a store whose commits are all durable does nothing. */
  default void sync() throws SQLException {}

  /** Abandons the current transaction after a failure. */
  void rollback();

  /** Closes the store; uncommitted work is rolled back. */
  @Override
  void close();
}
