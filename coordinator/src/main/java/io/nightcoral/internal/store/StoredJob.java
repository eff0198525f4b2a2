package io.nightcoral.internal.store;

/** A row of the jobs table: the job's id, its stored text, when it is due and its started attempts. */
public record StoredJob(long id, String payload, long dueAt, int attempts) {}
