package io.nightcoral;

/** A job as the tests use it. */
public record TestJob(String task, int value) {}
