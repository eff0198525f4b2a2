package io.nightcoral.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nightcoral.protocol.RunJob;
import org.junit.jupiter.api.Test;

/** When a job sent ahead of its start may start. */
class InboxTest {
  private static RunJob sent(long sentNanos, long delayMicros) {
    return RunJob.newBuilder().setId(1).setDelayMicros(delayMicros).setSentNanos(sentNanos).build();
  }

  @Test
  void countsTheDelayFromWhenTheJobWasSent() {
    long now = 5_000_000_000L;
    // sent 2 ms ago with 5 ms to wait: 3 ms are left
    assertEquals(now + 3_000_000, Inbox.notBefore(sent(now - 2_000_000, 5_000), now));
    // in transit longer than its delay: it may start at once
    assertEquals(now - 1_000_000, Inbox.notBefore(sent(now - 6_000_000, 5_000), now));
  }

  @Test
  void countsFromItsArrivalWhenTheSendingTimeDoesNotFit() {
    long now = 5_000_000_000L;
    assertEquals(now + 5_000_000, Inbox.notBefore(sent(now + 1, 5_000), now)); // sent in the future
    assertEquals(
        now + 5_000_000,
        Inbox.notBefore(sent(now - Inbox.TRUSTED_TRANSIT_NANOS - 1, 5_000), now)); // long ago
  }

  @Test
  void holdsAJobAtMostAnHour() {
    long now = 5_000_000_000L;
    assertEquals(
        now + Inbox.MAX_DELAY_MICROS * 1_000, Inbox.notBefore(sent(now, Long.MAX_VALUE), now));
  }
}
