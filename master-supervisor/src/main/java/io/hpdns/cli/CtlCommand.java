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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hpdns ctl COMMAND}: one command to a running master over its control socket, like
 * {@code knotc}. The socket is found the way the server chose it: {@code --control}, else
 * {@code server.control} of the configuration (read the way {@code start} reads it).
 */
@Command(
        name = "ctl",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = {
            "Control a running server: status, reload [ZONE], stats, stop, restart (rolling, one worker at a time).",
            "Exits 0 when the command succeeded, 1 with the reason (and file:line lines for zones that failed"
                    + " to reload) when it did not or no server is running, 2 on a usage error."
        })
final class CtlCommand implements Callable<Integer> {

    private static final Set<String> COMMANDS = Set.of("status", "reload", "stats", "stop", "restart");

    @Spec
    private CommandSpec spec;

    @Option(names = "--control", paramLabel = "PATH",
            description = "The server's control socket (default: server.control of the configuration).")
    private Path control;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The configuration that names the control socket (default: as for start).")
    private Path configFile;

    @Parameters(index = "0", paramLabel = "COMMAND",
            description = "status | reload [ZONE] | stats | stop | restart")
    private String command;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ZONE", description = "For reload: only this zone.")
    private String zone;

    @Override
    public Integer call() {
        if (!COMMANDS.contains(command)) {
            throw new ParameterException(spec.commandLine(), "unknown command \"" + command
                    + "\" (expected status, reload [ZONE], stats, stop or restart)");
        }
        if (zone != null && !command.equals("reload")) {
            throw new ParameterException(spec.commandLine(), command + " takes no argument, got \"" + zone + "\"");
        }
        ControlReply reply;
        try {
            reply = ControlClient.send(socketPath(), zone == null ? command : command + " " + zone);
        } catch (ControlUnavailable e) {
            throw new CommandFailure(e.getMessage());
        }
        PrintWriter lines = reply.succeeded() ? spec.commandLine().getOut() : spec.commandLine().getErr();
        for (String line : reply.lines()) {
            lines.println(line);
        }
        lines.flush();
        if (!reply.succeeded()) {
            throw new CommandFailure(command + ": " + reply.error());
        }
        return 0;
    }

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
            return ConfigReader.read(file).control();
        } catch (ConfigException e) {
            List<String> problems = e.problems().stream().map(ConfigProblem::format).toList();
            throw new CommandFailure("cannot tell where the control socket is: " + problems.getFirst()
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more errors)" : "")
                    + "; give --control PATH");
        }
    }
}
