package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.server.ListenAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code hpdns start} as a real process, the way an operator runs it: its own JVM (same Java and
 * class path as the tests), its log (master's and workers') in a file, signals from outside.
 */
final class MasterProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern READY = Pattern.compile(" ready: .* on (\\S+) ");
    private static final Pattern WORKER = Pattern.compile("(?m)^worker (\\d+) pid (\\d+) ");
    private static final Pattern SPARE = Pattern.compile("(?m)^spare pid (\\d+) uptime \\d+s$");

    private final Process process;
    private final Path log;
    /** Every worker seen, so none outlives a failed test. */
    private final List<ProcessHandle> workersSeen = new ArrayList<>();

    private MasterProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code hpdns start ARGS} with its working directory and log file in {@code dir}. */
    static MasterProcess start(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                // Quicker JVM start-up for the master and (inherited) its workers; the code is the same.
                "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                HpdnsCommand.class.getName(), "start"));
        command.addAll(List.of(args));
        Path log = dir.resolve("hpdns.log");
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new MasterProcess(process, log);
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the {@code ready} line; returns the first address it lists. */
    InetSocketAddress awaitReady() throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher ready = READY.matcher(log());
            if (ready.find()) {
                recordWorkers();
                return ListenAddress.parse(ready.group(1)).socketAddress();
            }
            assertThat(process.isAlive()).as("master exited before it was ready; its log:%n%s", log()).isTrue();
            Thread.sleep(50);
        }
        throw new AssertionError("master not ready after " + READY_TIMEOUT + "; its log:\n" + log());
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** Sends a signal by name (TERM, KILL, HUP, STOP, CONT) to a process. */
    static void signal(long pid, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %d", name, pid).isZero();
    }

    int awaitExit() throws InterruptedException {
        assertThat(process.waitFor(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("master exited").isTrue();
        return process.exitValue();
    }

    /** The master's worker processes now (its children), the spare included. */
    List<ProcessHandle> workers() {
        recordWorkers();
        return process.children().toList();
    }

    private void recordWorkers() {
        process.children().forEach(workersSeen::add);
    }

    /** The pid of worker {@code index} in {@code hpdns ctl status} output. */
    static long workerPid(String status, int index) {
        Matcher worker = WORKER.matcher(status);
        while (worker.find()) {
            if (Integer.parseInt(worker.group(1)) == index) {
                return Long.parseLong(worker.group(2));
            }
        }
        throw new AssertionError("no worker " + index + " in:\n" + status);
    }

    /** The pid of the spare worker in {@code hpdns ctl status} output, or 0 when there is none. */
    static long sparePid(String status) {
        Matcher spare = SPARE.matcher(status);
        return spare.find() ? Long.parseLong(spare.group(1)) : 0;
    }

    /** Whether a process is gone (not merely a zombie waiting for its parent). */
    static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    @Override
    public void close() throws Exception {
        recordWorkers();
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        for (ProcessHandle worker : workersSeen) {
            worker.destroyForcibly();
        }
    }
}
