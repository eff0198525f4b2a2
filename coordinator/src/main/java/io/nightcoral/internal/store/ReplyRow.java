package io.nightcoral.internal.store;

/**
 * A reply another coordinator sent to this one, for a job this one added with {@code addQuery}: the
 * reply's text (null for none), or, when the job failed for good, the failure's class, message and
 * stack ({@code failed} true).
 */
public record ReplyRow(
    long jobId,
    boolean failed,
    String payload,
    String errorClass,
    String errorMessage,
    String errorStack) {}
