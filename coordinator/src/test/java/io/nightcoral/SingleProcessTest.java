package io.nightcoral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleProcessTest {
  @TempDir Path dir;

  /**
   * Tries to open the database named in args[0]; exit 0 if it could, 3 if refused (message on
   * stdout).
   */
  public static final class Probe {
    public static void main(String[] args) {
      try {
        NightCoral.builderForStrings().databaseFile(args[0]).build().close();
        System.exit(0);
      } catch (NightCoralException e) {
        System.out.println(e.getMessage());
        System.exit(3);
      }
    }
  }

  @Test
  void aSecondInstanceInThisJvmIsRefusedAndTheFirstKeepsItsHold() {
    Path db = dir.resolve("one.db");
    try (NightCoral<TestJob> first = NightCoral.builder(TestJob.class).databaseFile(db).build()) {
      for (int i = 0; i < 2; i++) {
        NightCoralException e =
            assertThrows(
                NightCoralException.class,
                () -> NightCoral.builder(TestJob.class).databaseFile(db).build());
        assertTrue(e.getMessage().contains(db.toString()), e.getMessage());
      }
      first.add(new TestJob("still works", 1));
      assertEquals(1, first.stats().queued());
    }
    NightCoral.builder(TestJob.class).databaseFile(db).build().close();
  }

  @Test
  void anotherProcessIsRefusedWhileThisOneHoldsTheDatabase() throws Exception {
    Path db = dir.resolve("shared.db");
    try (NightCoral<TestJob> first = NightCoral.builder(TestJob.class).databaseFile(db).build()) {
      assertRefusedByAnotherProcess(db);
      first.add(new TestJob("still works", 1));
    }
    try (Jvm probe = Jvm.start(Probe.class, db.toString())) {
      assertEquals(0, probe.exitCode(), probe.output());
    }
  }

  /** Asserts that another JVM cannot open {@code db}, and is told another process holds it. */
  static void assertRefusedByAnotherProcess(Path db) throws Exception {
    try (Jvm probe = Jvm.start(Probe.class, db.toString())) {
      String out = probe.output();
      assertEquals(3, probe.exitCode(), out);
      assertTrue(out.contains(db.toString()) && out.contains("another process"), out);
    }
  }
}
