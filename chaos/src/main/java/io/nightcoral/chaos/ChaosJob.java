package io.nightcoral.chaos;

/**
 * A chaos job: nothing but a key that is unique across the whole run, such as {@code "s1-123"} or
 * {@code "s2-run4-timer-17"}.
 *
 * @param key the job's unique key, recorded by {@link ChaosHandler} each time the job runs
 */
public record ChaosJob(String key) {}
