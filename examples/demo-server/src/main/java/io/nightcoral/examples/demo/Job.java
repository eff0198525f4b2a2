package io.nightcoral.examples.demo;

/** The server's view of a job; the handler jar has its own class with the same JSON shape. */
public record Job(String task, long value) {}
