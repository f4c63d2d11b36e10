package io.hpdns.cli;

import java.nio.file.Path;
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
 * {@code server.control} of the configuration (read the way {@code start} reads it). The work is
 * {@link CtlInvocation}'s, shared with {@link CtlMain}, which {@code scripts/hpdns} runs instead.
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
        CtlInvocation invocation;
        try {
            invocation = CtlInvocation.of(control, configFile, command, zone);
        } catch (CtlInvocation.UsageError e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        invocation.run(spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }
}
