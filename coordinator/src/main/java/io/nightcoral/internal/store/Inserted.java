package io.nightcoral.internal.store;

/**
 * The outcome of an insert: the job's id, and whether it was stored now (false: its key was taken).
 */
public record Inserted(long id, boolean created) {}
