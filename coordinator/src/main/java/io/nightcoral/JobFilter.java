package io.nightcoral;

import java.util.Objects;

/**
 * Which unfinished jobs {@link NightCoral#jobs(JobFilter)} lists, a page at a time, by id.
 * Immutable; start from {@link #all()}. To page, pass the id of the last job of a page to {@link
 * #after}.
 */
public final class JobFilter {
  /** The most jobs one page may hold. */
  public static final int MAX_LIMIT = 1_000;

  private static final JobFilter ALL = new JobFilter(null, null, null, false, 0, 50);

  private final JobState state;
  private final String key;
  private final Integer priority;
  private final boolean newestFirst;
  private final long after;
  private final int limit;

  private JobFilter(
      JobState state, String key, Integer priority, boolean newestFirst, long after, int limit) {
    this.state = state;
    this.key = key;
    this.priority = priority;
    this.newestFirst = newestFirst;
    this.after = after;
    this.limit = limit;
  }

  /** Every unfinished job, oldest first, 50 a page. */
  public static JobFilter all() {
    return ALL;
  }

  /**
   * Only jobs in {@code state}: {@link JobState#QUEUED} lists due jobs, running ones included
   * (shown as {@link JobState#RUNNING}); {@link JobState#RUNNING} is not a filter of its own.
   */
  public JobFilter state(JobState state) {
    Objects.requireNonNull(state, "state");
    if (state == JobState.RUNNING) {
      throw new IllegalArgumentException("filter by QUEUED: it lists the running jobs too");
    }
    return new JobFilter(state, key, priority, newestFirst, after, limit);
  }

  /** Only the job with unique key {@code key}. */
  public JobFilter key(String key) {
    return new JobFilter(
        state, Objects.requireNonNull(key, "key"), priority, newestFirst, after, limit);
  }

  /** Only jobs of priority {@code priority}. */
  public JobFilter priority(int priority) {
    return new JobFilter(state, key, priority, newestFirst, after, limit);
  }

  /** Newest (highest id) first. */
  public JobFilter newestFirst() {
    return new JobFilter(state, key, priority, true, after, limit);
  }

  /** Oldest (lowest id) first: the default. */
  public JobFilter oldestFirst() {
    return new JobFilter(state, key, priority, false, after, limit);
  }

  /** The page after the job with id {@code id}, in this filter's order. */
  public JobFilter after(long id) {
    if (id <= 0) {
      throw new IllegalArgumentException("a job id is positive, was " + id);
    }
    return new JobFilter(state, key, priority, newestFirst, id, limit);
  }

  /** At most {@code limit} jobs a page, 1 to {@link #MAX_LIMIT}. */
  public JobFilter limit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("a page holds 1 to " + MAX_LIMIT + " jobs, was " + limit);
    }
    return new JobFilter(state, key, priority, newestFirst, after, limit);
  }

  JobState stateFilter() {
    return state;
  }

  String keyFilter() {
    return key;
  }

  Integer priorityFilter() {
    return priority;
  }

  boolean isNewestFirst() {
    return newestFirst;
  }

  long afterId() {
    return after;
  }

  int pageLimit() {
    return limit;
  }

  @Override
  public String toString() {
    return "JobFilter[state="
        + state
        + ", key="
        + key
        + ", priority="
        + priority
        + (newestFirst ? ", newest first" : ", oldest first")
        + ", after="
        + after
        + ", limit="
        + limit
        + "]";
  }
}
