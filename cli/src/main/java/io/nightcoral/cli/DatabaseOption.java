package io.nightcoral.cli;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralException;
import io.nightcoral.NightCoralReader;
import java.nio.file.Path;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/**
 * Which database a command works on — a SQLite file ({@code --db}) or a PostgreSQL database ({@code
 * --url}) — and the two ways it opens it: read-only beside running servers, or for a change:
 * holding a SQLite database's lock, or as one more coordinator (with no workers) on a PostgreSQL
 * database, which several coordinators share anyway.
 */
final class DatabaseOption {
  /** What NightCoral's refusal of a second holder says. */
  private static final String HELD_BY_ANOTHER = " is in use by ";

  @Option(
      names = "--db",
      paramLabel = "FILE",
      description = "the SQLite database file the server uses (or --url)")
  private Path file;

  @Option(
      names = "--url",
      paramLabel = "JDBC_URL",
      description =
          "the PostgreSQL database the servers share, as jdbc:postgresql://host:port/database"
              + "?user=...&password=... (or --db)")
  private String url;

  /** Opens the database read-only; works while a server holds it. */
  NightCoralReader openReader() {
    return postgres() ? NightCoralReader.openUrl(url) : NightCoralReader.open(file);
  }

  /** Whether the database is PostgreSQL; checks that exactly one of the options was given. */
  private boolean postgres() {
    if ((file == null) == (url == null)) {
      throw new CliFailure(
          NightCoralCli.USAGE, "give the database as either --db FILE or --url JDBC_URL");
    }
    return url != null;
  }

  /**
   * Runs {@code change} on the database while holding its lock, and returns what it returns; if a
   * running NightCoral holds the database, changes nothing and throws a {@link CliFailure} with
   * {@link NightCoralCli#HELD}. Starts no workers.
   */
  boolean change(Predicate<NightCoral<String>> change) {
    if (postgres()) {
      NightCoralReader.openUrl(url).close(); // refuses a database that is not NightCoral's
      try (NightCoral<String> coordinator =
          NightCoral.builderForStrings().databaseUrl(url).build()) {
        return change.test(coordinator);
      }
    }
    // a database that is missing, not NightCoral's or of another version is refused here, so a
    // change never creates a database or upgrades one
    NightCoralReader.open(file).close();
    NightCoral<String> nightCoral;
    try {
      nightCoral = NightCoral.builderForStrings().databaseFile(file).build();
    } catch (NightCoralException e) {
      if (e.getMessage() != null && e.getMessage().contains(HELD_BY_ANOTHER)) {
        throw new CliFailure(
            NightCoralCli.HELD,
            "database "
                + file
                + " is in use by a running NightCoral; use its console to requeue or delete"
                + " dead jobs");
      }
      throw e;
    }
    try (nightCoral) {
      return change.test(nightCoral);
    }
  }

  /** The database as the user named it (a URL without its parameters), for messages. */
  String name() {
    if (url == null) {
      return String.valueOf(file);
    }
    int parameters = url.indexOf('?');
    return parameters < 0 ? url : url.substring(0, parameters);
  }
}
