package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import io.hpdns.server.ListenAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;

/** {@code hpdns start} running on its own thread, the way {@code main} runs it, but without System.exit. */
final class RunningStart implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final StartCommand start;
    private final Thread thread;
    private final StringWriter err = new StringWriter();
    private final AtomicInteger exitCode = new AtomicInteger(-1);

    private RunningStart(String... args) {
        CommandLine commandLine = HpdnsCommand.commandLine(args);
        commandLine.setErr(new PrintWriter(err, true));
        start = (StartCommand) commandLine.getSubcommands().get("start").getCommand();
        thread = Thread.ofPlatform().name("hpdns-start-under-test").start(() -> exitCode.set(commandLine.execute(args)));
    }

    static RunningStart launch(String... args) {
        return new RunningStart(args);
    }

    /** The first bound address (the only one, with a single --listen). */
    InetSocketAddress awaitReady() throws InterruptedException {
        List<ListenAddress> bound = start.awaitReady(READY_TIMEOUT);
        assertThat(bound).isNotEmpty();
        return bound.getFirst().socketAddress();
    }

    /** Every listen address, as served (port 0 resolved; {@code *:PORT} as such). */
    List<ListenAddress> awaitAllReady() throws InterruptedException {
        return start.awaitReady(READY_TIMEOUT);
    }

    int stopAndWait() throws InterruptedException {
        start.stop();
        return awaitExit();
    }

    int awaitExit() throws InterruptedException {
        thread.join(READY_TIMEOUT);
        assertThat(thread.isAlive()).as("start returned").isFalse();
        return exitCode.get();
    }

    String err() {
        return err.toString();
    }

    @Override
    public void close() {
        start.stop();
        try {
            thread.join(READY_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
