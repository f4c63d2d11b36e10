package io.hpdns.cli;

import io.hpdns.conf.HpdnsConfig;
import io.hpdns.reload.ReloadReport;
import io.hpdns.reload.ZoneCompiler;
import io.hpdns.reload.ZoneImages;
import io.hpdns.supervisor.CompilerChannel;
import io.hpdns.supervisor.ProcessLogTag;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.xbill.DNS.Name;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hpdns compile} (internal, started by {@code hpdns start} for each load): compiles the
 * configured zones into the state directory and publishes the manifest the workers follow (see
 * {@link ZoneCompiler}), then exits. It answers no query, so the parse, the compile and their
 * garbage never touch a serving thread, and its memory goes back to the system when it exits. Its
 * report goes to the master on standard output ({@link CompilerChannel}); its log to standard
 * error, as the workers' does.
 */
@Command(
        name = CompileCommand.NAME,
        hidden = true,
        description = "Internal: compiles the zones for 'hpdns start' into its state directory.")
final class CompileCommand implements Callable<Integer> {

    static final String NAME = "compile";

    @Spec
    private CommandSpec spec;

    @Mixin
    private ServeOptions serve;

    @Option(names = "--state-dir", paramLabel = "DIR", required = true,
            description = "The state directory the master holds: where the images and the manifest go.")
    private Path stateDir;

    @Option(names = "--initial",
            description = "The master's first compile: take zones whose files are unchanged from the previous"
                    + " run's images.")
    private boolean initial;

    @Option(names = "--only", paramLabel = "ZONE", converter = OriginConverter.class,
            description = "Reload this zone of the manifest only; the zone list is not read again.")
    private Name only;

    @Override
    public Integer call() {
        // The report is the real standard output's; nothing else may write there.
        PrintStream channel = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        ProcessLogTag.compiler();
        if (initial && only != null) {
            throw new ParameterException(spec.commandLine(), "--initial and --only exclude each other");
        }
        HpdnsConfig config;
        try {
            config = serve.configuration(spec);
        } catch (CommandFailure e) {
            CompilerChannel.write(channel, new ReloadReport(List.of(), List.of(e.getMessage())));
            return 0;
        }
        ZoneCompiler compiler = new ZoneCompiler(new ZoneImages(stateDir), Runtime.getRuntime().availableProcessors());
        ReloadReport report;
        if (initial) {
            report = compiler.compileInitial(serve.zoneListSource(config));
        } else if (only != null) {
            report = compiler.compileOne(only);
        } else {
            report = compiler.compileAll(serve.zoneListSource(config));
        }
        CompilerChannel.write(channel, report);
        return 0;
    }
}
