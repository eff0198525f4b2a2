package io.nightcoral.cli;

import io.nightcoral.NightCoral;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A change to one dead job. On SQLite, made only while no server holds the database: the command
 * takes the database's lock for the change, and a held database is refused with {@link
 * NightCoralCli#HELD}. On PostgreSQL, made as one more coordinator among those sharing it.
 */
abstract class DeadJobChange implements Callable<Integer> {
  /** When a change can be made, as the commands' help says it (two lines). */
  static final String WHEN_1 =
      "On SQLite only while no server holds the database (a running server's console does it";

  static final String WHEN_2 =
      "live); on PostgreSQL (--url) at any time, as one more coordinator without workers.";

  @Parameters(paramLabel = "ID", description = "the dead job's id (see nightcoral dead)")
  private long id;

  @Mixin private DatabaseOption database;
  @Mixin private OutputOption output;
  @Spec private CommandSpec spec;

  /** Makes the change on {@code nightCoral}; false if there is no dead job {@code id}. */
  abstract boolean change(NightCoral<String> nightCoral, long id);

  /** What the change did, in the past tense: the result's word. */
  abstract String done();

  @Override
  public Integer call() {
    if (id <= 0) {
      throw new ParameterException(spec.commandLine(), "a job id is positive, was " + id);
    }
    if (!database.change(nightCoral -> change(nightCoral, id))) {
      throw new CliFailure(
          NightCoralCli.NOT_FOUND, "no dead job " + id + " in database " + database.name());
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("id", id);
    result.put(done(), true);
    output.print(
        spec.commandLine().getOut(), result, out -> out.println(done() + " dead job " + id));
    return NightCoralCli.OK;
  }
}
