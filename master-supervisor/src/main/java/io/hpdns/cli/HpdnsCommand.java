package io.hpdns.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code hpdns}: the command line. Exit codes: 0 success, 1 operational failure (with a one-line
 * reason on stderr), 2 usage error.
 */
@Command(
        name = "hpdns",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "High-performance authoritative DNS server.",
        subcommands = {StartCommand.class, CtlCommand.class, CheckZoneCommand.class, CheckConfCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:operational failure, with the reason on stderr", "2:usage error"})
public final class HpdnsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with hpdns's error reporting, ready to {@code execute}. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new HpdnsCommand());
        commandLine.setParameterExceptionHandler(HpdnsCommand::reportUsageError);
        commandLine.setExecutionExceptionHandler(HpdnsCommand::reportFailure);
        return commandLine;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: start, ctl, check-zone or check-conf");
    }

    private static int reportUsageError(ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        PrintWriter err = failed.getErr();
        String name = failed.getCommandSpec().qualifiedName();
        err.println(name + ": " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return failed.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static int reportFailure(Exception e, CommandLine failed, CommandLine.ParseResult parseResult) {
        PrintWriter err = failed.getErr();
        if (e instanceof CommandFailure failure) {
            failure.report(err);
        } else {
            // Not an operator's mistake but a bug: keep the stack trace for the report.
            err.println("hpdns: internal error: " + e);
            e.printStackTrace(err);
        }
        err.flush();
        return CommandFailure.EXIT_CODE;
    }
}
