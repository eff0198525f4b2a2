package io.nightcoral.cli;

import io.nightcoral.NightCoral;
import io.nightcoral.NightCoralException;
import io.nightcoral.NightCoralReader;
import java.nio.file.Path;
import java.util.function.Predicate;
import picocli.CommandLine.Option;

/**
 * Which database a command works on, and the two ways it opens it: read-only beside a server, or
 * for a change, holding the database's lock. Today a SQLite file ({@code --db}); another kind of
 * store would be a second, exclusive option here, and the commands would not change.
 */
final class DatabaseOption {
  /** What NightCoral's refusal of a second holder says. */
  private static final String HELD_BY_ANOTHER = " is in use by ";

  @Option(
      names = "--db",
      paramLabel = "FILE",
      required = true,
      description = "the SQLite database file the server uses")
  private Path file;

  /** Opens the database read-only; works while a server holds it. */
  NightCoralReader openReader() {
    return NightCoralReader.open(file);
  }

  /**
   * Runs {@code change} on the database while holding its lock, and returns what it returns; if a
   * running NightCoral holds the database, changes nothing and throws a {@link CliFailure} with
   * {@link NightCoralCli#HELD}. Starts no workers.
   */
  boolean change(Predicate<NightCoral<String>> change) {
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

  /** The database as the user named it, for messages. */
  String name() {
    return file.toString();
  }
}
