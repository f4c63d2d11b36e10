package io.hpdns.supervisor;

import io.hpdns.ctl.ControlReply;
import io.hpdns.reload.BuildIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's side of the zone compiler ({@code hpdns compile}): a process that compiles the
 * zones into the state directory and publishes the manifest, once per {@link CompileRequest}, and
 * reports ({@link CompilerChannel}). A compile that crashes or runs out of memory changes nothing
 * the workers serve: the manifest is replaced only once every zone is compiled, and the failure
 * is reported like a zone's.
 *
 * <p>Why a process and not the master: the compile of a million names allocates a few times the
 * zone's size; in its own JVM that memory goes back to the system, where the master would keep its
 * heap, and a zone file that exhausts the compiler cannot take the master down.
 *
 * <p>After a reload the compiler stays for {@code linger} ({@code server.compiler-linger}), its
 * heap handed back but its JIT-compiled code kept, and takes the next reload: a JVM just started
 * spends about as much CPU time compiling its own code as compiling the zones (one record edited
 * in a million names: 14.5-17.3 CPU seconds in a new compiler, 6.7-7.2 in one that compiled
 * before; docs/performance.md), which on a busy server is time taken from the serving threads'
 * leftovers. Then it is told to exit (its input closed). The compiles of a start (its first, and
 * the answers it deferred) do not linger: a start is rarely followed by a reload at once. A
 * compiler that died meanwhile, or started from another build than the jar now holds (an upgrade:
 * a reload's compiler is the new build), is replaced by a new one.
 */
public final class CompilerProcess {

    private static final Logger log = LoggerFactory.getLogger(CompilerProcess.class);
    /**
     * Out of memory, it exits at once and the master reports it. Its heap is backed by transparent
     * huge pages, which cut the time the kernel spends faulting that memory in (a million names:
     * 7.7 s against 9.4 s, the mean of three compiles each; docs/performance.md).
     */
    private static final List<String> JVM_DEFAULTS = List.of("-XX:+ExitOnOutOfMemoryError",
            "-XX:+DisplayVMOutputToStderr", "-XX:+UseTransparentHugePages");
    /**
     * The collector of a compiler that lingers is its own: the servers run the serial collector,
     * which suits their small heaps that queries never touch; a reload's compile allocates a few
     * times a large zone's size in seconds, which G1 collects on every core, with the heap left to
     * grow ({@code MaxHeapFreeRatio=100}: shrinking it during a compile only costs collections).
     */
    private static final List<String> LINGERING_HEAP = List.of("-XX:+UseG1GC", "-XX:MaxHeapFreeRatio=100");
    /**
     * Octets the first compile of a start allocates per octet of zone file, at most, with room to
     * spare: reading a million names (29 MB of text, short records) into the zone's objects and
     * laying them out allocates 389 MB, a signed zone of 57 MB about 300 MB (docs/performance.md,
     * "Start-up: a cold start").
     */
    static final int ALLOCATED_PER_ZONE_OCTET = 20;
    /**
     * The young generation of a start's first compile, at least, and that of the compile of the
     * answers it deferred.
     */
    static final long MIN_START_YOUNG = 64L << 20;

    private static final Path NICE_COMMAND = Path.of("/usr/bin/nice");
    static final int NICE = 10;
    /** How long a compiler told to exit, or found without a report, has before it is killed. */
    private static final long EXIT_GRACE_SECONDS = 10;

    /** The command of a compiler that may linger (reloads). */
    private final List<String> lingering;
    /** The command of a compiler for the first compile of a start, which does not linger. */
    private final List<String> initial;
    /** The command of a compiler for the answers a start deferred, which does not linger. */
    private final List<String> answers;
    private final Duration linger;

    /** The compiler process, running or waiting for a request; null when there is none. Guarded by this. */
    private Compiler compiler;
    /** Whether a request is with {@link #compiler}. Guarded by this. */
    private boolean busy;
    /** Counts compiles; a lingering compiler is told to exit only if no compile came since. Guarded by this. */
    private long compiles;
    /** Set by {@link #stop}: no compile starts after it. Guarded by this. */
    private boolean stopped;

    /** A compiler process, its ends of the channel, and the build it was started from ({@link BuildIdentity}). */
    private record Compiler(Process process, Writer requests, BufferedReader reports, String build) {}

    /**
     * @param mainClass the class whose {@code main} runs the command line
     * @param arguments the {@code compile} command and its options
     * @param linger how long a compiler stays after a reload for the next one; zero: not at all
     * @param zoneOctets the size of the configured zone files at the start, which sizes the heap of
     *     the start's compiles ({@link #startHeap})
     */
    public CompilerProcess(String mainClass, List<String> arguments, Duration linger, long zoneOctets) {
        this.lingering = command(mainClass, arguments, LINGERING_HEAP);
        int processors = Runtime.getRuntime().availableProcessors();
        this.initial = command(mainClass, arguments, startHeap(zoneOctets, processors, physicalMemory()));
        this.answers = command(mainClass, arguments, answersHeap(processors));
        this.linger = linger;
    }

    private static List<String> command(String mainClass, List<String> arguments, List<String> heap) {
        List<String> options = new ArrayList<>(JVM_DEFAULTS);
        options.addAll(heap);
        options.addAll(ChildJvm.ownSharedArchive("compiler"));
        List<String> command = new ArrayList<>(lowerPriority());
        command.addAll(ChildJvm.command(options));
        command.add(mainClass);
        command.addAll(arguments);
        return List.copyOf(command);
    }

    /**
     * The collector and heap of the first compile of a start: a young generation that holds what
     * the compile allocates, so that it runs without a collection, with a collector whose write
     * barrier is a card mark, not G1's (reading a million names on one CPU: 1.4–1.6 s against
     * 2.1–2.7 s with G1, of which 0.3–0.6 s of collections; a young generation a little too small
     * costs one collection that copies the whole zone, 0.85 s; docs/performance.md). What it
     * allocates is the zone it reads, alive until the compile ends, so a collection would only copy
     * it. The serial collector on one processor, the parallel one on more, where a zone too large
     * for the young generation is collected on every core. Such a compiler exits once it has
     * reported, so its heap never stays; a lingering compiler keeps G1, whose heap shrinks between
     * reloads ({@code CompilerHeap}).
     *
     * @param zoneOctets the size of the zone files
     * @param memory the machine's memory: the young generation takes at most an eighth of it
     */
    static List<String> startHeap(long zoneOctets, int processors, long memory) {
        // Allocations go to eden, eight tenths of the young generation (the default SurvivorRatio).
        long eden = zoneOctets * ALLOCATED_PER_ZONE_OCTET;
        long young = Math.max(MIN_START_YOUNG, Math.min(memory / 8, eden + eden / 4)) >> 20;
        return List.of(youngCollector(processors), "-Xmn" + young + "m",
                // At least the young generation and room for an old one: else the JVM shrinks the young.
                "-Xms" + (young + (MIN_START_YOUNG >> 20)) + "m");
    }

    /**
     * The collector and heap of the compile of the answers a start deferred: a small young
     * generation, collected often. Unlike the first compile's, what it allocates dies young (each
     * name's answers are compiled by running the query path over the mapped layout; only the
     * answers stay), so eden's pages are used again instead of fresh ones taken for every octet
     * allocated: every page a process touches for the first time is one the kernel (and, in a
     * virtual machine, the host) must fault in and zero. A million names: 599 MB allocated, 4.2 s
     * with 20 collections of 64 ms in all, against 5.2 s without a collection (docs/performance.md).
     */
    static List<String> answersHeap(int processors) {
        return List.of(youngCollector(processors), "-Xmn" + (MIN_START_YOUNG >> 20) + "m");
    }

    private static String youngCollector(int processors) {
        return processors == 1 ? "-XX:+UseSerialGC" : "-XX:+UseParallelGC";
    }

    private static long physicalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }

    /**
     * Starts the compiler of a start's first compile now, when that compile will read zone files
     * (a zone has no image of the previous run): its JVM then starts while the master opens its
     * control socket and looks at the state directory, as worker 0's does, and the first compile
     * ({@link CompileRequest#initial}) takes it. Nothing happens after {@link #stop} or with a
     * compiler already there.
     */
    public void prestart() {
        synchronized (this) {
            if (stopped || compiler != null) {
                return;
            }
            try {
                compiler = start(initial);
            } catch (IOException e) {
                log.warn("cannot start the zone compiler ahead of the first compile: {}; it starts then",
                        e.getMessage());
            }
        }
    }

    /** Runs one compile and returns its report. Callers run one compile at a time. */
    public ControlReply compile(CompileRequest request) throws InterruptedException {
        Compiler running;
        synchronized (this) {
            if (stopped) {
                return ControlReply.failed(List.of(), "the server is stopping");
            }
            compiles++;
            if (compiler != null && !(compiler.process().isAlive() && compiler.build().equals(BuildIdentity.current()))) {
                dismiss(compiler);
                compiler = null;
            }
            if (compiler == null) {
                try {
                    compiler = start(commandFor(request));
                } catch (IOException e) {
                    log.error("cannot start the zone compiler: {}", e.getMessage());
                    return ControlReply.failed(List.of(), "cannot start the zone compiler: " + e.getMessage());
                }
            }
            running = compiler;
            busy = true;
        }
        ControlReply reply = null;
        boolean leaves = true;
        try {
            CompilerChannel.send(running.requests(), request);
            reply = CompilerChannel.read(running.reports());
        } catch (IOException e) {
            log.warn("the zone compiler's report broke off: {}", e.getMessage());
        } finally {
            synchronized (this) {
                busy = false;
                leaves = reply == null || stopped || !lingers(request) || linger.isZero();
                if (leaves) {
                    dismiss(running);
                    compiler = null;
                } else {
                    dismissLater(running, compiles);
                }
            }
        }
        if (reply == null) {
            String error = "the zone compiler (pid " + running.process().pid() + ") exited with status "
                    + exitStatus(running.process()) + " before its report; nothing was reloaded (see the log)";
            log.error("{}", error);
            return ControlReply.failed(List.of(), error);
        }
        if (leaves && request.kind() == CompileRequest.Kind.INITIAL) {
            // Its report is all a start waits for: the JVM's exit, which writes its class-data-sharing
            // archive the first time after a build (most of a second) and hands its heap back to
            // the system, overlaps with the workers mapping the images and answering.
            Thread.ofVirtual().name("hpdns-compiler-exit").start(() -> reap(running.process()));
        } else if (leaves) {
            // Any other that leaves is gone before the reply: its memory is back.
            exitStatus(running.process());
        }
        return reply;
    }

    /** Waits for a compiler that was told to exit, and logs an exit that was not clean. */
    private static void reap(Process process) {
        try {
            int status = exitStatus(process);
            if (status != 0) {
                log.warn("the zone compiler (pid {}) exited with status {} after its report", process.pid(), status);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
        }
    }

    private List<String> commandFor(CompileRequest request) {
        return switch (request.kind()) {
            case INITIAL -> initial;
            case ANSWERS -> answers;
            default -> lingering;
        };
    }

    /** Whether the compiler of {@code request} stays for the next: not after the compiles of a start. */
    private boolean lingers(CompileRequest request) {
        return commandFor(request) == lingering;
    }

    private Compiler start(List<String> command) throws IOException {
        String build = BuildIdentity.current();
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new Compiler(process, new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8),
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), build);
    }

    /** Tells the compiler to exit after {@link #linger}, unless another compile has come by then. */
    private void dismissLater(Compiler lingering, long compile) {
        CompletableFuture.runAsync(() -> {
            synchronized (this) {
                if (compiler == lingering && compiles == compile) {
                    dismiss(lingering);
                    compiler = null;
                }
            }
        }, CompletableFuture.delayedExecutor(linger.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Closes the compiler's input, at whose end it exits. */
    private static void dismiss(Compiler leaving) {
        try {
            leaving.requests().close();
        } catch (IOException e) {
            // It is gone already.
        }
    }

    /** The exit status of a compiler told to exit (or whose report ended early), killed if it does not exit in time. */
    private static int exitStatus(Process process) throws InterruptedException {
        if (!process.waitFor(EXIT_GRACE_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return process.waitFor();
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
     * Ends a compile in progress, and any later one before it starts: the server is stopping. A
     * compiler waiting for a request is told to exit, and given a moment to.
     */
    public void stop() {
        Compiler leaving;
        synchronized (this) {
            stopped = true;
            leaving = compiler;
            compiler = null;
            if (leaving == null) {
                return;
            }
            if (busy) {
                leaving.process().destroyForcibly();
                return;
            }
            dismiss(leaving);
        }
        try {
            exitStatus(leaving.process());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            leaving.process().destroyForcibly();
        }
    }
}
