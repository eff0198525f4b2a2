package io.nightcoral.examples.handlers;

/** The example's job: what to do, and a number to do it with. */
public record Job(String task, long value) {}
