package io.hpdns.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The main class of the processes the master starts: {@code worker} ({@link WorkerCommand}) and
 * {@code compile} ({@link CompileCommand}). Their command lines are the master's own, read by
 * {@link ProcessArguments} rather than picocli, whose set-up takes about 0.2 s of a JVM's start
 * (docs/performance.md, "Start-up"): a warm restart, a worker replacing one that failed and the
 * first reload's compiler each wait for it. Exit codes as {@code hpdns}'s: 0, 1 for an operational
 * failure, 2 for a command line the master should not have written.
 */
public final class ProcessMain {

    private static final int USAGE_ERROR = 2;

    private ProcessMain() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args)));
    }

    static int run(List<String> args) {
        PrintWriter err = new PrintWriter(System.err, true);
        String command = args.isEmpty() ? "" : args.getFirst();
        Callable<Integer> process;
        try {
            process = switch (command) {
                case WorkerCommand.NAME -> WorkerCommand.from(
                        ProcessArguments.parse(args, WorkerCommand.OPTIONS, WorkerCommand.FLAGS));
                case CompileCommand.NAME -> CompileCommand.from(
                        ProcessArguments.parse(args, CompileCommand.OPTIONS, Set.of()));
                default -> throw new IllegalArgumentException("expected the command worker or compile, got '"
                        + command + "'");
            };
        } catch (IllegalArgumentException e) {
            err.println("hpdns " + command + ": " + e.getMessage());
            return USAGE_ERROR;
        }
        try {
            return process.call();
        } catch (CommandFailure e) {
            e.report(err);
            return CommandFailure.EXIT_CODE;
        } catch (Exception e) {
            // Not an operator's mistake but a bug: keep the stack trace for the report.
            err.println("hpdns " + command + ": internal error: " + e);
            e.printStackTrace(err);
            return CommandFailure.EXIT_CODE;
        }
    }
}
