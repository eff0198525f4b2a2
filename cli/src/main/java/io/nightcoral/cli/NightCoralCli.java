package io.nightcoral.cli;

import io.nightcoral.NightCoralException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code nightcoral} command: shows what a NightCoral database holds, also while a server holds
 * it, and requeues or deletes dead jobs while none does. Results go to stdout, errors to stderr;
 * the exit code says how it went (0 done, 1 not found, 2 usage, 3 held).
 */
@Command(
    name = "nightcoral",
    scope = ScopeType.INHERIT, // every command has --help and --version
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Shows a NightCoral database; requeues or deletes its dead jobs.",
    subcommands = {
      StatsCommand.class,
      JobsCommand.class,
      DeadCommand.class,
      SchedulesCommand.class,
      RequeueCommand.class,
      DeleteDeadCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:not found: no such dead job, or no readable NightCoral database at --db or --url",
      "2:usage: a bad command line",
      "3:held: a running NightCoral holds the database; use its console to change it"
    })
public final class NightCoralCli implements Callable<Integer> {
  /** Done. */
  static final int OK = 0;

  /** No such dead job, or no readable NightCoral database at the given place. */
  static final int NOT_FOUND = 1;

  /** A bad command line (picocli's code for invalid input). */
  static final int USAGE = 2;

  /** A change was refused because a running NightCoral holds the database. */
  static final int HELD = 3;

  /** SLF4J Simple's default level; the command sets it to warn unless it was given. */
  private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

  @Spec private CommandSpec spec;

  /** Runs the command line {@code args} and exits with its code. */
  public static void main(String[] args) {
    if (System.getProperty(LOG_LEVEL) == null) {
      System.setProperty(LOG_LEVEL, "warn"); // the coordinator's info lines are not results
    }
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = run(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs {@code args}, results to {@code out} and errors to {@code err}; returns the exit code. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new NightCoralCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(NightCoralCli::failed);
    return cli.execute(args);
  }

  /** Without a command: a usage error. */
  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "name a command: stats, jobs, dead, schedules, requeue or delete-dead");
  }

  private static int failed(Exception e, CommandLine cli, ParseResult parsed) {
    PrintWriter err = cli.getErr();
    if (e instanceof CliFailure failure) {
      err.println("nightcoral: " + failure.getMessage());
      return failure.exitCode();
    }
    if (e instanceof NightCoralException) { // no database there, not NightCoral's, unreadable
      err.println("nightcoral: " + e.getMessage());
      return NOT_FOUND;
    }
    err.println("nightcoral: " + e);
    e.printStackTrace(err);
    return NOT_FOUND;
  }
}
