package io.hpdns.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
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
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:operational failure, with the reason on stderr", "2:usage error"})
public final class HpdnsCommand implements Callable<Integer> {

    /** The subcommands, by name, in the order help lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> subcommands = new LinkedHashMap<>();
        subcommands.put("start", StartCommand::new);
        subcommands.put("ctl", CtlCommand::new);
        subcommands.put("check-zone", CheckZoneCommand::new);
        subcommands.put("check-conf", CheckConfCommand::new);
        return subcommands;
    }

    /**
     * The command line with hpdns's error reporting, ready to {@code execute(args)}: with only the
     * subcommand {@code args} name, when they name one, as picocli's model of every other command
     * would take a tenth of a second more of every start (docs/performance.md, "Start-up"); else
     * with all, for help and for suggestions.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine commandLine = new CommandLine(new HpdnsCommand());
        Supplier<Object> named = args.length == 0 ? null : SUBCOMMANDS.get(args[0]);
        if (named != null) {
            commandLine.addSubcommand(named.get());
        } else {
            SUBCOMMANDS.values().forEach(subcommand -> commandLine.addSubcommand(subcommand.get()));
        }
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
