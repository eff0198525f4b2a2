package io.nightcoral.internal.store;

/**
 * Which jobs an inspection lists, a page at a time.
 *
 * @param state "due" (queued or running), "timer" (due later, never failed), "retrying" (due later
 *     after a failed attempt), or null for all
 * @param key only the job with this key, or null
 * @param priority only jobs of this priority, or null
 * @param newestFirst the order of ids
 * @param after the page after the job with this id in that order, or 0 for the first page
 * @param limit the most jobs to list
 * @param now the time that tells due jobs from timers, in epoch milliseconds
 */
public record JobQuery(
    String state,
    String key,
    Integer priority,
    boolean newestFirst,
    long after,
    int limit,
    long now) {}
