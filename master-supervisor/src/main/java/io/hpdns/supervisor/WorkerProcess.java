package io.hpdns.supervisor;

import io.hpdns.ctl.ControlReply;
import io.hpdns.server.ListenAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker JVM as the master sees it: the process, and the master's end of its control channel
 * (the protocol is described on {@link WorkerChannel}). The worker's standard error is the
 * master's, so its log lines go where the master's go.
 */
final class WorkerProcess {

    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);

    /** A spare's index: none yet (see {@link #become}). */
    static final int SPARE = -1;

    /** {@link #SPARE} until a spare is given its index. */
    private volatile int index;
    private final Process process;
    private final long startedNanos = System.nanoTime();
    private final OutputStream requests;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Answer> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<List<ListenAddress>> ready = new CompletableFuture<>();
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private volatile long lastHeardNanos = startedNanos;
    private volatile boolean heardFrom;
    /** Why the worker could not serve, as it said ({@code failed}); null if it did not say. */
    private volatile String startFailure;
    /** Why the master killed the worker for not answering heartbeats; null if it did not. */
    private volatile String hung;

    private WorkerProcess(int index, Process process) {
        this.index = index;
        this.process = process;
        this.requests = process.getOutputStream();
    }

    /** Starts the worker JVM and begins reading its side of the channel. */
    static WorkerProcess launch(int index, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        WorkerProcess worker = new WorkerProcess(index, process);
        String name = index == SPARE ? "spare" : Integer.toString(index);
        Thread.ofVirtual().name("hpdns-worker-" + name + "-channel").start(worker::readLoop);
        if (index == SPARE) {
            log.info("worker started, pid {}, waiting for its index", process.pid());
        } else {
            log.info("worker {} started, pid {}", index, process.pid());
        }
        return worker;
    }

    int index() {
        return index;
    }

    /** A spare takes its place as worker {@code index}; the request that tells it so follows. */
    void become(int index) {
        this.index = index;
    }

    boolean isSpare() {
        return index == SPARE;
    }

    long pid() {
        return process.pid();
    }

    Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Whether the worker has sent anything yet: its JVM is up and its channel open. */
    boolean heardFrom() {
        return heardFrom;
    }

    /** How long since the worker last sent anything (an answer to a heartbeat, at the latest). */
    Duration silence() {
        return Duration.ofNanos(System.nanoTime() - lastHeardNanos);
    }

    /**
     * Completes with the bound addresses once the worker serves, or exceptionally with a
     * {@link WorkerFailure} saying why, once it has exited without getting there.
     */
    CompletableFuture<List<ListenAddress>> ready() {
        return ready;
    }

    /** Completes with the exit status once the process has ended and its channel is read to the end. */
    CompletableFuture<Integer> exited() {
        return exited;
    }

    boolean hasExited() {
        return exited.isDone();
    }

    /**
     * Sends one request; the answer completes the future, or a {@link WorkerFailure} when the
     * worker ends first.
     */
    CompletableFuture<ControlReply> request(String command) {
        long id = ids.incrementAndGet();
        Answer answer = new Answer();
        pending.put(id, answer);
        if (exited.isDone()) {
            pending.remove(id);
            answer.result.completeExceptionally(gone());
            return answer.result;
        }
        try {
            synchronized (requests) {
                requests.write((id + " " + command + "\n").getBytes(StandardCharsets.UTF_8));
                requests.flush();
            }
        } catch (IOException e) {
            pending.remove(id);
            answer.result.completeExceptionally(gone());
        }
        return answer.result;
    }

    /**
     * Sends a request and waits for the answer; a worker that ends first, or does not answer in
     * time, gives a failed reply saying so.
     */
    ControlReply ask(String command, Duration timeout) throws InterruptedException {
        try {
            return request(command).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return ControlReply.failed(List.of(), e.getCause().getMessage());
        } catch (TimeoutException e) {
            return ControlReply.failed(List.of(), "worker " + index + " (pid " + pid() + ") did not answer \""
                    + command + "\" within " + timeout.toSeconds() + "s");
        }
    }

    /** Waits for the process to end; whether it did within the timeout. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        try {
            exited.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            return false;
        }
    }

    /** SIGKILL: for a worker that did not stop when asked. */
    void kill() {
        process.destroyForcibly();
    }

    /** SIGKILL for a worker that stopped answering, remembering why for whoever awaits it. */
    void killAsHung(String why) {
        hung = why;
        process.destroyForcibly();
    }

    /** Whether the master killed this worker for not answering heartbeats. */
    boolean killedAsHung() {
        return hung != null;
    }

    /** Why the worker ended: the hang it was killed for, its own reason ({@code failed}), or its exit status. */
    String endReason(int status) {
        if (hung != null) {
            return hung;
        }
        if (startFailure != null) {
            return "worker " + index + " (pid " + pid() + ") could not start: " + startFailure;
        }
        return "worker " + index + " (pid " + pid() + ") exited with status " + status;
    }

    /**
     * Why the worker never served: its own reason as it gave it (the same for every worker, such
     * as a zone that does not load), else the hang or the exit.
     */
    private String notReadyReason(int status) {
        if (hung == null && startFailure != null) {
            return startFailure;
        }
        return hung != null ? hung : endReason(status) + " before it was ready (see its log above)";
    }

    private WorkerFailure gone() {
        String reason = exited.isDone() ? endReason(exited.join()) : "worker " + index + " (pid " + pid() + ") exited";
        return new WorkerFailure(reason);
    }

    private void readLoop() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lastHeardNanos = System.nanoTime();
                heardFrom = true;
                received(line);
            }
        } catch (IOException e) {
            log.warn("worker {} (pid {}): control channel broke: {}", index, pid(), e.getMessage());
        }
        int status = waitForExit();
        try {
            requests.close();
        } catch (IOException e) {
            log.debug("worker {}: closing its input: {}", index, e.getMessage());
        }
        ready.completeExceptionally(new WorkerFailure(notReadyReason(status)));
        exited.complete(status);
        WorkerFailure gone = gone();
        for (Answer answer : pending.values()) {
            answer.result.completeExceptionally(gone);
        }
        pending.clear();
    }

    private int waitForExit() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void received(String line) {
        String[] words = line.split(" ", 3);
        if (words[0].equals(WorkerChannel.READY)) {
            ready(line);
            return;
        }
        if (words[0].equals(WorkerChannel.FAILED)) {
            startFailure = line.substring(WorkerChannel.FAILED.length()).trim();
            return;
        }
        Answer answer = words.length >= 2 ? pending.get(parseId(words[0])) : null;
        String rest = words.length == 3 ? words[2] : "";
        switch (answer == null ? "" : words[1]) {
            case WorkerChannel.OUTPUT -> answer.lines.add(rest);
            case WorkerChannel.OK -> complete(words[0], ControlReply.ok(answer.lines));
            case WorkerChannel.ERROR -> complete(words[0], ControlReply.failed(answer.lines, rest));
            // Not the protocol: JVM output sent to standard output (-Xlog without a file, say).
            default -> log.info("worker {} (pid {}) printed: {}", index, pid(), line);
        }
    }

    private void ready(String line) {
        List<ListenAddress> bound = new ArrayList<>();
        try {
            for (String address : line.substring(WorkerChannel.READY.length()).trim().split(" +")) {
                bound.add(ListenAddress.parse(address));
            }
        } catch (IllegalArgumentException e) {
            log.error("worker {} (pid {}) announced unreadable addresses: \"{}\"", index, pid(), line);
            return;
        }
        ready.complete(List.copyOf(bound));
    }

    private void complete(String id, ControlReply reply) {
        Answer answer = pending.remove(parseId(id));
        if (answer != null) {
            answer.result.complete(reply);
        }
    }

    private static long parseId(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** An answer being received: its output lines so far, and the reply once its status line arrives. */
    private static final class Answer {
        final List<String> lines = new ArrayList<>();
        final CompletableFuture<ControlReply> result = new CompletableFuture<>();
    }
}
