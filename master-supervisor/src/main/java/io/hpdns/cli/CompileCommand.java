package io.hpdns.cli;

import io.hpdns.conf.HpdnsConfig;
import io.hpdns.reload.ReloadReport;
import io.hpdns.reload.ZoneCompiler;
import io.hpdns.reload.ZoneImages;
import io.hpdns.reload.ZoneListSource;
import io.hpdns.supervisor.CompileRequest;
import io.hpdns.supervisor.CompilerChannel;
import io.hpdns.supervisor.ProcessLogTag;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code compile} (internal: started by {@code hpdns start}, run by {@link ProcessMain}): compiles
 * the configured zones into the state directory and publishes the manifest the workers follow (see
 * {@link ZoneCompiler}), once per request the master writes on its standard input, and exits at
 * the end of that input ({@link CompilerChannel}). It answers no query, so the parse, the compile
 * and their garbage never touch a serving thread. Between requests it hands its heap back to the
 * system ({@link CompilerHeap}) and keeps what the JIT compiled, so that the next reload runs warm.
 * Its report goes to the master on standard output; its log to standard error, as the workers' does.
 */
final class CompileCommand implements Callable<Integer> {

    static final String NAME = "compile";
    /** The state directory the master holds: where the images and the manifest go. */
    static final String STATE_DIR = "--state-dir";
    static final Set<String> OPTIONS = ServeOptions.namesWith(STATE_DIR);

    private final ServeOptions serve;
    private final Path stateDir;

    private CompileCommand(ServeOptions serve, Path stateDir) {
        this.serve = serve;
        this.stateDir = stateDir;
    }

    /** The compiler the master's command line describes. */
    static CompileCommand from(ProcessArguments arguments) {
        Path stateDir = arguments.value(STATE_DIR, Path::of)
                .orElseThrow(() -> new IllegalArgumentException("missing " + STATE_DIR));
        return new CompileCommand(ServeOptions.from(arguments), stateDir);
    }

    @Override
    public Integer call() throws IOException {
        // The report is the real standard output's; nothing else may write there.
        PrintStream channel = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        ProcessLogTag.compiler();
        BufferedReader master = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        CompilerHeap heap = new CompilerHeap();
        ZoneListSource zoneList = null;
        while (true) {
            CompileRequest request;
            try {
                request = CompilerChannel.receive(master);
            } catch (IllegalArgumentException e) {
                CompilerChannel.writeFailure(channel, e.getMessage());
                continue;
            }
            if (request == null) {
                return 0;
            }
            if (zoneList == null) {
                try {
                    HpdnsConfig config = serve.configuration();
                    zoneList = serve.zoneListSource(config);
                } catch (CommandFailure | IllegalArgumentException e) {
                    // Read again by the next compiler, which the next reload starts.
                    CompilerChannel.write(channel, new ReloadReport(List.of(), List.of(e.getMessage())));
                    return 0;
                }
            }
            heap.compiling();
            CompilerChannel.write(channel, compile(request, zoneList));
            heap.compiled();
        }
    }

    /** Each request reads the state directory afresh: the master may have published meanwhile. */
    private ReloadReport compile(CompileRequest request, ZoneListSource zoneList) {
        ZoneCompiler compiler = new ZoneCompiler(new ZoneImages(stateDir), Runtime.getRuntime().availableProcessors());
        return switch (request.kind()) {
            case INITIAL -> compiler.compileInitial(zoneList);
            case ALL -> compiler.compileAll(zoneList);
            case ONE -> compiler.compileOne(request.zone());
            case ANSWERS -> compiler.compileDeferredAnswers();
        };
    }
}
