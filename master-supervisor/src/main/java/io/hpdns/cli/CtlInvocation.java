package io.hpdns.cli;

import io.hpdns.conf.ConfigException;
import io.hpdns.conf.ConfigProblem;
import io.hpdns.conf.ConfigReader;
import io.hpdns.conf.HpdnsConfig;
import io.hpdns.ctl.ControlClient;
import io.hpdns.ctl.ControlClient.ControlUnavailable;
import io.hpdns.ctl.ControlReply;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * One {@code hpdns ctl} command, checked, sent to the server and its reply printed. Both ways in
 * run it: the picocli command {@link CtlCommand} and {@link CtlMain}, which {@code scripts/hpdns}
 * starts for {@code ctl} so that a call does not pay for picocli; so they cannot drift apart. It
 * uses nothing of picocli itself.
 */
final class CtlInvocation {

    private static final Set<String> COMMANDS = Set.of("status", "reload", "stats", "stop", "restart");

    private final Path control;
    private final Path configFile;
    private final String command;
    private final String request;

    private CtlInvocation(Path control, Path configFile, String command, String request) {
        this.control = control;
        this.configFile = configFile;
        this.command = command;
        this.request = request;
    }

    /**
     * The command as given on the command line.
     *
     * @param control the control socket, or null to take the configuration's
     * @param configFile the configuration named with {@code -c}, or null for the default one
     * @param zone the argument, or null; only {@code reload} takes one
     * @throws UsageError when the command is unknown or takes no argument but got one
     */
    static CtlInvocation of(Path control, Path configFile, String command, String zone) throws UsageError {
        if (!COMMANDS.contains(command)) {
            throw new UsageError("unknown command \"" + command
                    + "\" (expected status, reload [ZONE], stats, stop or restart)");
        }
        if (zone != null && !command.equals("reload")) {
            throw new UsageError(command + " takes no argument, got \"" + zone + "\"");
        }
        return new CtlInvocation(control, configFile, command, zone == null ? command : command + " " + zone);
    }

    /**
     * Sends the command and prints the reply's lines: on {@code out} when it succeeded, else on
     * {@code err}.
     *
     * @throws CommandFailure when no server answers, or the command failed (exit 1)
     */
    void run(PrintWriter out, PrintWriter err) {
        ControlReply reply;
        try {
            reply = ControlClient.send(socketPath(), request);
        } catch (ControlUnavailable e) {
            throw new CommandFailure(e.getMessage());
        }
        PrintWriter lines = reply.succeeded() ? out : err;
        for (String line : reply.lines()) {
            lines.println(line);
        }
        lines.flush();
        if (!reply.succeeded()) {
            throw new CommandFailure(command + ": " + reply.error());
        }
    }

    /** The socket the server chose: {@code --control}, else {@code server.control} of the configuration. */
    private Path socketPath() {
        if (control != null) {
            return control;
        }
        Path file = ConfigLocation.resolve(configFile);
        if (configFile == null && !Files.exists(file)) {
            // Like start with --zone and no configuration: the default, in the working directory.
            return HpdnsConfig.DEFAULT_CONTROL;
        }
        try {
            return ConfigReader.readControl(file);
        } catch (ConfigException e) {
            List<String> problems = e.problems().stream().map(ConfigProblem::format).toList();
            throw new CommandFailure("cannot tell where the control socket is: " + problems.getFirst()
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more errors)" : "")
                    + "; give --control PATH");
        }
    }

    /** The command line asks for something ctl does not do (exit 2); the message says what. */
    static final class UsageError extends Exception {
        UsageError(String message) {
            super(message, null, false, false);
        }
    }
}
