package io.nightcoral;

/**
 * The chaos runner's way to a NightCoral's database when it cannot fill a real disk: it runs a
 * {@code PRAGMA} through the coordinator's test hook (reachable only from this package), on the
 * queue's own connection.
 */
public final class ChaosPragma {
  private ChaosPragma() {}

  /** Runs {@code statement}, a {@code PRAGMA}, on {@code nc}'s database and waits for it. */
  public static void run(NightCoral<?> nc, String statement) {
    nc.pragmaForTest(statement);
  }
}
