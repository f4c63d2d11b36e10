package io.hpdns.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.ctl.ControlReply;
import io.hpdns.reload.BuildIdentity;
import io.hpdns.reload.ZoneImages;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/** The master's side of the zone compiler: a real child JVM, its report read back. */
class CompilerProcessTest {

    private static final String HPDNS = "io.hpdns.cli.ProcessMain";
    /** Longer than any test: a compiler that leaves within a test was told to. */
    private static final Duration LINGER = Duration.ofHours(1);
    private static final long EXIT_SECONDS = 60;

    @TempDir
    Path dir;

    /** A zone file whose name server's address is {@code address}, valid or not. */
    private Path zone(String origin, long serial, String address) throws Exception {
        Path file = dir.resolve(origin + "zone");
        Files.writeString(file, "$ORIGIN " + origin + "\n$TTL 300\n@ SOA ns1 hostmaster " + serial
                + " 3600 600 86400 300\n@ NS ns1\nns1 A " + address + "\n");
        return file;
    }

    @Test
    void compileReportsEachZoneAndPublishesTheManifest() throws Exception {
        Path zone = zone("example.com.", 7, "192.0.2.1");
        Path broken = zone("example.net.", 1, "192.0.2.999");
        Path state = dir.resolve("state");
        CompilerProcess compiler = new CompilerProcess(HPDNS, List.of("compile", "--state-dir", state.toString(),
                "--zone", "example.com.=" + zone, "--zone", "example.net.=" + broken), Duration.ZERO, 0);

        ControlReply reply;
        try (ZoneImages master = ZoneImages.open(state, BuildIdentity.current())) {
            reply = compiler.compile(CompileRequest.initial());
        }

        assertThat(reply.lines()).containsExactly("example.com. loaded, serial 7", "example.net. failed, not served",
                broken + ":5: bad IPv4 address '192.0.2.999'");
        assertThat(reply.error()).isEqualTo("1 zone(s) failed to load and keep their old data");
        assertThat(Files.readString(state.resolve("serving"))).startsWith("example.com.\t" + zone + "\t")
                .contains("example.net.\t" + broken + "\t!\t-\t" + broken + ":5: ");
    }

    @Test
    void compilerStaysForTheNextReloadUntilTheServerStops() throws Exception {
        Path zone = zone("example.com.", 7, "192.0.2.1");
        Path state = dir.resolve("state");
        CompilerProcess compiler = compiler(state, LINGER, "--zone", "example.com.=" + zone);
        ControlReply first;
        ControlReply second;
        ProcessHandle lingering;
        try (ZoneImages master = ZoneImages.open(state, BuildIdentity.current())) {
            first = compiler.compile(CompileRequest.all());
            lingering = compilerOf(state);
            zone("example.com.", 8, "192.0.2.1");

            second = compiler.compile(CompileRequest.all());
        }

        assertThat(first.lines()).containsExactly("example.com. loaded, serial 7");
        assertThat(second.lines()).containsExactly("example.com. loaded, serial 8");
        assertThat(compilerOf(state).pid()).as("the same compiler took both").isEqualTo(lingering.pid());
        compiler.stop();
        lingering.onExit().get(EXIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void compilerLeavesAfterItsLinger() throws Exception {
        Path requests = dir.resolve("requests");
        CompilerProcess compiler = new CompilerProcess(AnswersEachRequest.class.getName(),
                List.of(requests.toString()), Duration.ofMillis(100), 0);

        assertThat(compiler.compile(CompileRequest.all()).succeeded()).isTrue();
        assertThat(compiler.compile(CompileRequest.one(Name.fromString("example.com."))).succeeded())
                .isTrue();

        List<String> handled = Files.readAllLines(requests);
        assertThat(handled).hasSize(2);
        awaitExit(handled.getLast());
    }

    @Test
    void compilerOfTheStartLeavesAtOnce() throws Exception {
        Path requests = dir.resolve("requests");
        CompilerProcess compiler = recording(requests);

        assertThat(compiler.compile(CompileRequest.initial()).succeeded()).isTrue();

        awaitExit(Files.readAllLines(requests).getFirst());
    }

    @Test
    void compilerStartedAheadTakesTheFirstCompileOfTheStart() throws Exception {
        Path requests = dir.resolve("requests");
        CompilerProcess compiler = recording(requests);

        List<ProcessHandle> ahead = childrenStartedBy(() -> {
            compiler.prestart();
            compiler.prestart();
        });
        assertThat(compiler.compile(CompileRequest.initial()).succeeded()).isTrue();

        assertThat(ahead).as("one compiler started ahead").hasSize(1);
        assertThat(Files.readAllLines(requests))
                .containsExactly(ahead.getFirst().pid() + " " + CompileRequest.initial().line());
        awaitExit(Files.readAllLines(requests).getFirst());
    }

    @Test
    void compilerStartedAheadLeavesWhenTheStartStops() throws Exception {
        Path requests = dir.resolve("requests");
        CompilerProcess compiler = recording(requests);
        List<ProcessHandle> ahead = childrenStartedBy(compiler::prestart);

        compiler.stop();
        List<ProcessHandle> afterStop = childrenStartedBy(compiler::prestart);

        assertThat(ahead).hasSize(1);
        assertThat(ahead.getFirst().isAlive()).isFalse();
        assertThat(afterStop).as("none started after the stop").isEmpty();
        assertThat(requests).doesNotExist();
    }

    /** A compiler process whose compilers record each request they take in {@code requests}. */
    private static CompilerProcess recording(Path requests) {
        return new CompilerProcess(AnswersEachRequest.class.getName(), List.of(requests.toString()), LINGER, 0);
    }

    /**
     * The child processes of this JVM that {@code action} started, alive after it: the compilers
     * it started. Found by process id, among the children that were not there before (compilers
     * other tests left lingering), not by command line, which a process shows only once its exec
     * is done.
     */
    private static List<ProcessHandle> childrenStartedBy(Runnable action) {
        Set<ProcessHandle> before = ProcessHandle.current().children().collect(Collectors.toSet());
        action.run();
        return ProcessHandle.current().children().filter(p -> !before.contains(p)).toList();
    }

    /** Waits until the compiler that handled {@code request} (a line "PID REQUEST") has exited. */
    private static void awaitExit(String request) throws Exception {
        long pid = Long.parseLong(request.substring(0, request.indexOf(' ')));
        Optional<ProcessHandle> running = ProcessHandle.of(pid);
        if (running.isPresent()) {
            running.get().onExit().get(EXIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void lingeringCompilerThatDiedIsReplaced() throws Exception {
        Path state = dir.resolve("state");
        CompilerProcess compiler = compiler(state, LINGER, "--zone", "example.com.=" + zone("example.com.", 7, "192.0.2.1"));
        try (ZoneImages master = ZoneImages.open(state, BuildIdentity.current())) {
            assertThat(compiler.compile(CompileRequest.all()).succeeded()).isTrue();
            ProcessHandle killed = compilerOf(state);
            killed.destroyForcibly();
            killed.onExit().get(EXIT_SECONDS, TimeUnit.SECONDS);
            zone("example.com.", 8, "192.0.2.1");

            ControlReply reply = compiler.compile(CompileRequest.all());

            assertThat(reply.lines()).containsExactly("example.com. loaded, serial 8");
            assertThat(compilerOf(state).pid()).isNotEqualTo(killed.pid());
        } finally {
            compiler.stop();
        }
    }

    @Test
    void lingeringCompilerReadsTheZoneListAgainForEachReload() throws Exception {
        Path state = dir.resolve("state");
        Path config = dir.resolve("hpdns.yaml");
        zone("example.com.", 7, "192.0.2.1");
        zone("example.net.", 3, "192.0.2.2");
        Files.writeString(config, "zones:\n  - { name: example.com., file: example.com.zone }\n");
        CompilerProcess compiler = compiler(state, LINGER, "--config", config.toString());
        try (ZoneImages master = ZoneImages.open(state, BuildIdentity.current())) {
            assertThat(compiler.compile(CompileRequest.all()).lines()).containsExactly("example.com. loaded, serial 7");
            Files.writeString(config, "zones:\n  - { name: example.com., file: example.com.zone }\n"
                    + "  - { name: example.net., file: example.net.zone }\n");

            ControlReply reply = compiler.compile(CompileRequest.all());

            assertThat(reply.lines()).containsExactly("example.com. unchanged, serial 7",
                    "example.net. loaded, serial 3");
        } finally {
            compiler.stop();
        }
    }

    private static CompilerProcess compiler(Path state, Duration linger, String... zones) {
        List<String> arguments = new ArrayList<>(List.of("compile", "--state-dir", state.toString()));
        arguments.addAll(List.of(zones));
        return new CompilerProcess(HPDNS, arguments, linger, 0);
    }

    /** The running compiler of the state directory {@code state}: the child with it on its command line. */
    private static ProcessHandle compilerOf(Path state) {
        return ProcessHandle.current().children()
                .filter(child -> child.info().arguments().map(a -> List.of(a).contains(state.toString())).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no compiler of " + state + " runs"));
    }

    @Test
    void compilerThatDiesBeforeItsReportIsAFailedReload() throws Exception {
        CompilerProcess compiler = new CompilerProcess(DiesBeforeItsReport.class.getName(), List.of(), LINGER, 0);

        ControlReply reply = compiler.compile(CompileRequest.all());

        assertThat(reply.succeeded()).isFalse();
        assertThat(reply.lines()).isEmpty();
        assertThat(reply.error()).matches("the zone compiler \\(pid \\d+\\) exited with status 137 before its report;"
                + " nothing was reloaded \\(see the log\\)");
    }

    @Test
    void stopEndsACompileInProgressAndRefusesTheNext() throws Exception {
        Path started = dir.resolve("started");
        CompilerProcess compiler = new CompilerProcess(NeverReports.class.getName(), List.of(started.toString()), LINGER, 0);
        CompletableFuture<ControlReply> running = CompletableFuture.supplyAsync(() -> {
            try {
                return compiler.compile(CompileRequest.all());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(started)) {
            assertThat(running).as("the child runs until stopped").isNotDone();
            assertThat(System.nanoTime()).as("the child started within a minute").isLessThan(deadline);
            Thread.sleep(10);
        }

        compiler.stop();

        ControlReply stopped = running.get(30, TimeUnit.SECONDS);
        assertThat(stopped.succeeded()).isFalse();
        assertThat(stopped.error()).contains("before its report");
        assertThat(compiler.compile(CompileRequest.all()).error()).isEqualTo("the server is stopping");
    }

    @Test
    void compilerRunsAtALowerPriorityThanTheServers() throws Exception {
        CompilerProcess compiler = new CompilerProcess(ReportsItsPriority.class.getName(), List.of(), LINGER, 0);

        ControlReply reply = compiler.compile(CompileRequest.all());

        int own = ReportsItsPriority.nice();
        assertThat(reply.lines()).containsExactly("nice " + Math.min(19, own + CompilerProcess.NICE));
    }

    @Test
    void firstCompileOfAStartHoldsItsZoneInTheYoungGenerationDeferredAnswersReuseASmallOneAndReloadsRunG1()
            throws Exception {
        long zoneOctets = 8L << 20;
        CompilerProcess compiler = new CompilerProcess(ReportsItsHeap.class.getName(), List.of(), LINGER, zoneOctets);

        List<String> start = compiler.compile(CompileRequest.initial()).lines();
        List<String> answers = compiler.compile(CompileRequest.answers()).lines();
        List<String> reload = compiler.compile(CompileRequest.all()).lines();
        compiler.stop();

        String startCollector = Runtime.getRuntime().availableProcessors() == 1 ? "[Copy, MarkSweepCompact]"
                : "[PS MarkSweep, PS Scavenge]";
        // Eden, eight tenths of it, holds what the compile allocates.
        String young = "young " + (zoneOctets * CompilerProcess.ALLOCATED_PER_ZONE_OCTET * 10 / 8 >> 20) + " MB";
        assertThat(start).containsExactly(startCollector, young);
        assertThat(answers).containsExactly(startCollector, "young " + (CompilerProcess.MIN_START_YOUNG >> 20) + " MB");
        assertThat(reload.getFirst()).contains("G1 Young Generation");
        assertThat(reload.getLast()).isNotEqualTo(young);
    }

    @Test
    void youngGenerationOfAStartsCompileHoldsWhatItAllocatesWithinAnEighthOfTheMemory() {
        long gigabyte = 1L << 30;

        assertThat(CompilerProcess.startHeap(0, 1, 16 * gigabyte))
                .containsExactly("-XX:+UseSerialGC", "-Xmn64m", "-Xms128m");
        assertThat(CompilerProcess.startHeap(29_000_000, 2, 16 * gigabyte))
                .containsExactly("-XX:+UseParallelGC", "-Xmn691m", "-Xms755m");
        assertThat(CompilerProcess.startHeap(1_000_000_000, 8, 16 * gigabyte))
                .containsExactly("-XX:+UseParallelGC", "-Xmn2048m", "-Xms2112m");
        assertThat(CompilerProcess.answersHeap(1)).containsExactly("-XX:+UseSerialGC", "-Xmn64m");
        assertThat(CompilerProcess.answersHeap(2)).containsExactly("-XX:+UseParallelGC", "-Xmn64m");
    }

    /** A compiler that reports its young collector and young generation's size, then ok, for each request. */
    public static final class ReportsItsHeap {
        public static void main(String[] arguments) throws Exception {
            BufferedReader master = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String request = master.readLine(); request != null; request = master.readLine()) {
                System.out.println(java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(java.lang.management.GarbageCollectorMXBean::getName).sorted().toList());
                long young = Long.parseLong(java.lang.management.ManagementFactory
                        .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                        .getVMOption("MaxNewSize").getValue());
                System.out.println("young " + (young >> 20) + " MB");
                System.out.println("ok");
                System.out.flush();
            }
        }
    }

    /** A compiler that answers each request with ok, recording it as "PID REQUEST" in the file named. */
    public static final class AnswersEachRequest {
        public static void main(String[] arguments) throws Exception {
            BufferedReader master = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String request = master.readLine(); request != null; request = master.readLine()) {
                Files.writeString(Path.of(arguments[0]), ProcessHandle.current().pid() + " " + request + "\n",
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                System.out.println("ok");
                System.out.flush();
            }
        }
    }

    /** A compiler that reports its nice value, from /proc/self/stat. */
    public static final class ReportsItsPriority {
        public static void main(String[] arguments) throws Exception {
            System.out.println("nice " + nice());
            System.out.println("ok");
        }

        static int nice() throws Exception {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // After the command name in parentheses: field 19 of proc(5) is the 17th.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]);
        }
    }

    /** A compiler that dies (as one the kernel kills for its memory) after part of its report. */
    public static final class DiesBeforeItsReport {
        public static void main(String[] arguments) {
            System.out.println("example.com. loaded, serial 2");
            System.out.flush();
            Runtime.getRuntime().halt(137);
        }
    }

    /** A compiler that never finishes: says it runs, through the file named, then waits. */
    public static final class NeverReports {
        public static void main(String[] arguments) throws Exception {
            Files.writeString(Path.of(arguments[0]), "running");
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
