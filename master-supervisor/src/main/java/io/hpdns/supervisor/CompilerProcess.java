package io.hpdns.supervisor;

import io.hpdns.ctl.ControlReply;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's side of the zone compiler ({@code hpdns compile}): a process started for each load,
 * which compiles the zones into the state directory and publishes the manifest, then reports
 * ({@link CompilerChannel}) and exits. A compile that crashes or runs out of memory changes
 * nothing the workers serve: the manifest is replaced only once every zone is compiled, and the
 * failure is reported like a zone's.
 *
 * <p>Why a process and not the master: the compile of a million names allocates a few times the
 * zone's size; in its own JVM that memory goes back to the system when it exits, where the master
 * would keep its heap, and a zone file that exhausts the compiler cannot take the master down.
 */
public final class CompilerProcess {

    private static final Logger log = LoggerFactory.getLogger(CompilerProcess.class);
    /**
     * Out of memory, it exits at once and the master reports it. Its collector is its own: the
     * servers run the serial collector, which suits their small heaps that queries never touch;
     * the compiler allocates a few times a large zone's size in seconds, which G1 collects on
     * every core, with the heap left to grow ({@code MaxHeapFreeRatio=100}: shrinking it during a
     * compile only costs collections) and backed by transparent huge pages, which cut the time the
     * kernel spends faulting that memory in (a million names: 7.7 s against 9.4 s, the mean of
     * three compiles each; docs/performance.md).
     */
    private static final List<String> JVM_DEFAULTS = List.of("-XX:+ExitOnOutOfMemoryError",
            "-XX:+DisplayVMOutputToStderr", "-XX:+UseG1GC", "-XX:MaxHeapFreeRatio=100",
            "-XX:+UseTransparentHugePages");

    private static final Path NICE_COMMAND = Path.of("/usr/bin/nice");
    private static final File NULL_DEVICE = new File("/dev/null");
    static final int NICE = 10;

    private final List<String> command;
    /** The compiler running now, null between compiles; guarded by this. */
    private Process running;
    /** Set by {@link #stop}: no compile starts after it. Guarded by this. */
    private boolean stopped;

    /**
     * @param mainClass the class whose {@code main} runs the command line
     * @param arguments the {@code compile} command and its options
     */
    public CompilerProcess(String mainClass, List<String> arguments) {
        List<String> options = new ArrayList<>(JVM_DEFAULTS);
        options.addAll(ownSharedArchive());
        List<String> command = new ArrayList<>(lowerPriority());
        command.addAll(ChildJvm.command(options));
        command.add(mainClass);
        command.addAll(arguments);
        this.command = List.copyOf(command);
    }

    /**
     * Runs one compile and returns its report. Callers run one compile at a time.
     *
     * @param options added to the command line: {@code --initial}, or {@code --only ZONE}
     */
    public ControlReply compile(List<String> options) throws InterruptedException {
        List<String> full = new ArrayList<>(command);
        full.addAll(options);
        Process process;
        synchronized (this) {
            if (stopped) {
                return ControlReply.failed(List.of(), "the server is stopping");
            }
            try {
                // Its standard input is the null device: it reads nothing from the master.
                process = new ProcessBuilder(full).redirectInput(ProcessBuilder.Redirect.from(NULL_DEVICE))
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            } catch (IOException e) {
                log.error("cannot start the zone compiler: {}", e.getMessage());
                return ControlReply.failed(List.of(), "cannot start the zone compiler: " + e.getMessage());
            }
            running = process;
        }
        try {
            List<String> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                log.warn("the zone compiler's report broke off: {}", e.getMessage());
            }
            int status = process.waitFor();
            ControlReply reply = CompilerChannel.read(lines);
            if (status != 0 || reply == null) {
                String error = "the zone compiler (pid " + process.pid() + ") exited with status " + status
                        + " before its report; nothing was reloaded (see the log)";
                log.error("{}", error);
                return ControlReply.failed(List.of(), error);
            }
            return reply;
        } finally {
            synchronized (this) {
                running = null;
            }
            process.destroyForcibly();
        }
    }

    /**
     * The compiler runs at nice +{@value #NICE}, every thread of it (its collector's included,
     * which a priority set from inside the JVM would miss): it shares the cores with the serving
     * threads, which must win them whenever they have queries to answer. At the default priority,
     * a compile under 100,000 queries/s made the workers' socket buffers overflow
     * (scripts/under-load lost queries); at +10 the compile takes the CPU time they leave.
     */
    private static List<String> lowerPriority() {
        if (Files.isExecutable(NICE_COMMAND)) {
            return List.of(NICE_COMMAND.toString(), "-n", Integer.toString(NICE));
        }
        log.warn("{} not found: the zone compiler runs at the serving threads' priority", NICE_COMMAND);
        return List.of();
    }

    /**
     * When the master maps a class-data-sharing archive (scripts/hpdns), the compiler gets one of
     * its own beside it: the first JVM to exit writes a missing archive with the classes it
     * loaded, and the compiler, which exits first, would otherwise write the workers' archive
     * with the compiler's classes.
     */
    private static List<String> ownSharedArchive() {
        String option = "-XX:SharedArchiveFile=";
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith(option) && argument.endsWith(".jsa")) {
                return List.of(argument.substring(0, argument.length() - ".jsa".length()) + "-compiler.jsa");
            }
        }
        return List.of();
    }

    /** Ends a compile in progress, and any later one before it starts: the server is stopping. */
    public synchronized void stop() {
        stopped = true;
        if (running != null) {
            running.destroyForcibly();
        }
    }
}
