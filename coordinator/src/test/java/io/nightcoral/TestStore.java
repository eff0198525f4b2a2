package io.nightcoral;

import io.nightcoral.testpg.PgServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store the semantics tests run on: SQLite files by default, or, when the system property
 * {@code nightcoral.store} is {@code postgres} (the surefire execution {@code postgres-semantics}),
 * a PostgreSQL database of {@link PgServer} for each file the test names, so a test that reopens
 * its "file" reopens the same database.
 */
final class TestStore {
  private static final Map<Path, String> databases = new ConcurrentHashMap<>();

  private TestStore() {}

  /** Whether the tests run on PostgreSQL. */
  static boolean postgres() {
    return "postgres".equals(System.getProperty("nightcoral.store"));
  }

  /** {@code builder} storing its jobs in the database this run's store kind gives {@code file}. */
  static <J> NightCoralBuilder<J> at(NightCoralBuilder<J> builder, Path file) {
    return postgres() ? builder.databaseUrl(url(file)) : builder.databaseFile(file);
  }

  /** A reader of the database standing for {@code file}. */
  static NightCoralReader reader(Path file) {
    return postgres() ? NightCoralReader.openUrl(url(file)) : NightCoralReader.open(file);
  }

  /** The PostgreSQL database standing for {@code file}, created on first use. */
  static String url(Path file) {
    return databases.computeIfAbsent(file.toAbsolutePath(), f -> PgServer.newDatabase());
  }
}
