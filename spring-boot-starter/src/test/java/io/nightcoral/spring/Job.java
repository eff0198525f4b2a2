package io.nightcoral.spring;

/** A job as the starter's tests use it. */
public record Job(String task, int value) {}
