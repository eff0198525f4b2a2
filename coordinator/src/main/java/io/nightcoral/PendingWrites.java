package io.nightcoral;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What the workers reported that the database must still record: starts, finishes, failures, jobs
 * given back. A report is applied in the queue's transaction, and forgotten only once that
 * transaction commits; if it rolls back (a full disk, say), the reports stay and are applied again
 * in the next one. So a failed transaction never loses what a worker did. Confined to the queue's
 * thread.
 */
final class PendingWrites {
  /** One report's writes. */
  interface Write {
    /** Writes it inside the current transaction. */
    void apply() throws SQLException;

    /** Its transaction committed; {@code effects} run next, outside it. */
    default void committed(List<Runnable> effects) {}

    /** Whether someone waits for it to be durable (its {@link #committed} answers a caller). */
    default boolean awaited() {
      return false;
    }
  }

  private final ArrayDeque<Write> waiting = new ArrayDeque<>();
  private final List<Write> applied = new ArrayList<>();
  private int mark;

  void add(Write write) {
    waiting.addLast(write);
  }

  /** Whether anything waits to be applied. */
  boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** Whether anything is not yet committed. */
  boolean hasUncommitted() {
    return !waiting.isEmpty() || !applied.isEmpty();
  }

  /** Whether a write applied and not yet committed is {@link Write#awaited awaited}. */
  boolean awaited() {
    for (Write write : applied) {
      if (write.awaited()) {
        return true;
      }
    }
    return false;
  }

  /** Applies everything waiting, in order; a failure leaves the failed write waiting. */
  void apply() throws SQLException {
    while (!waiting.isEmpty()) {
      waiting.peekFirst().apply();
      applied.add(waiting.removeFirst());
    }
  }

  /** Notes how much is applied, for {@link #rollBackToMark}. */
  void mark() {
    mark = applied.size();
  }

  /** A savepoint taken at {@link #mark} rolled back: what was applied since waits again. */
  void rollBackToMark() {
    for (int i = applied.size() - 1; i >= mark; i--) {
      waiting.addFirst(applied.remove(i));
    }
  }

  /** The transaction committed: the applied writes are done. */
  void committed(List<Runnable> effects) {
    for (Write write : applied) {
      write.committed(effects);
    }
    applied.clear();
  }

  /** The transaction rolled back: the applied writes wait again, first, in their order. */
  void rolledBack() {
    for (int i = applied.size() - 1; i >= 0; i--) {
      waiting.addFirst(applied.get(i));
    }
    applied.clear();
  }
}
