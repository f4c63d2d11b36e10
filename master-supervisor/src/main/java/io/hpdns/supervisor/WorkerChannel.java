package io.hpdns.supervisor;

import io.hpdns.ctl.ControlHandler;
import io.hpdns.ctl.ControlReply;
import io.hpdns.server.ListenAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's end of its control channel to the master: the worker's standard input and output,
 * which the master holds as pipes. Nothing else may write to that standard output (the worker
 * points {@code System.out} at standard error), and the worker never outlives the master: end of
 * input means the master is gone.
 *
 * <p>The protocol is UTF-8 lines ended by {@code \n}.
 *
 * <p>Master to worker, one request per line: {@code ID COMMAND [ARG]...}, ID a positive decimal
 * number that the master does not reuse on this channel. Commands: {@code ping} (heartbeat),
 * {@code status} (the zones served), {@code follow} (serve what the manifest names now, mapping
 * the images that changed, see {@code ZoneImages}), {@code become N} (to a spare worker: take
 * index N and start serving), {@code stats} (every query counter, zeros included), {@code notify}
 * (send NOTIFY for the serials not announced yet; a no-op except in worker 0), {@code stop} (stop
 * serving, answer with the final counters, exit 0). Requests are carried out concurrently, each
 * on its own virtual thread.
 *
 * <p>Worker to master: the answer to a request is zero or more output lines {@code ID | TEXT}, then
 * one status line, {@code ID ok} or {@code ID error: REASON}; the lines of one answer are written
 * together, but answers to different requests may come in any order. Besides answers, the worker
 * sends once, unprompted, either {@code ready ADDR...} (serving; the bound addresses in listen
 * order, with the ports the kernel chose for port 0) or {@code failed REASON} (it cannot serve,
 * and exits 1).
 */
public final class WorkerChannel {

    private static final Logger log = LoggerFactory.getLogger(WorkerChannel.class);
    static final String READY = "ready";
    static final String FAILED = "failed";
    static final String OUTPUT = "|";
    static final String OK = "ok";
    static final String ERROR = "error:";
    /** To a spare worker: take this index and start serving. */
    public static final String BECOME = "become";
    /** Serve the zones the manifest names now, from their images. */
    public static final String FOLLOW = "follow";

    private final BufferedReader in;
    private final OutputStream out;
    private final ControlHandler handler;
    private final Runnable masterGone;
    private final Set<Thread> requests = ConcurrentHashMap.newKeySet();

    /**
     * @param handler carries out each request, on its own virtual thread
     * @param masterGone run once when the master closes the channel (or it breaks)
     */
    public WorkerChannel(InputStream in, OutputStream out, ControlHandler handler, Runnable masterGone) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
        this.handler = handler;
        this.masterGone = masterGone;
    }

    /** Starts reading requests. */
    public void start() {
        Thread.ofPlatform().name("hpdns-channel").daemon().start(this::readLoop);
    }

    /** Tells the master the worker serves, on these listen addresses (ports resolved). */
    public void ready(List<ListenAddress> listen) {
        StringBuilder line = new StringBuilder(READY);
        for (ListenAddress address : listen) {
            line.append(' ').append(address);
        }
        write(line.append('\n').toString());
    }

    /** Tells the master the worker cannot serve, and why (one line). */
    public void failed(String reason) {
        write(FAILED + " " + oneLine(reason) + "\n");
    }

    /** Waits, up to {@code grace}, for the answers being prepared (such as the one to {@code stop}) to be sent. */
    public void awaitAnswers(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread request : requests) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || request == Thread.currentThread()) {
                continue;
            }
            try {
                request.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void readLoop() {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                dispatch(line);
            }
        } catch (IOException e) {
            log.warn("control channel from the master broke: {}", e.getMessage());
        }
        masterGone.run();
    }

    private void dispatch(String line) {
        List<String> words = Arrays.asList(line.trim().split(" +"));
        long id = words.size() >= 2 ? requestId(words.getFirst()) : -1;
        if (id <= 0) {
            log.warn("ignoring a malformed request from the master: \"{}\"", line);
            return;
        }
        Thread request = Thread.ofVirtual().name("hpdns-channel-" + id).unstarted(() -> {
            try {
                answer(id, words.get(1), List.copyOf(words.subList(2, words.size())));
            } finally {
                requests.remove(Thread.currentThread());
            }
        });
        requests.add(request);
        request.start();
    }

    private static long requestId(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void answer(long id, String command, List<String> arguments) {
        ControlReply reply;
        try {
            reply = handler.handle(command, arguments);
        } catch (RuntimeException e) {
            log.error("request \"{}\" from the master failed", command, e);
            reply = ControlReply.failed(List.of(), "internal error: " + e);
        }
        StringBuilder text = new StringBuilder();
        for (String line : reply.lines()) {
            text.append(id).append(' ').append(OUTPUT).append(' ').append(oneLine(line)).append('\n');
        }
        text.append(id).append(' ');
        text.append(reply.succeeded() ? OK : ERROR + " " + oneLine(reply.error())).append('\n');
        write(text.toString());
    }

    private synchronized void write(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // The master is gone; the read loop sees the end of its input and stops the worker.
            log.debug("control channel to the master: {}", e.getMessage());
        }
    }

    /** A line break inside a message would end it early and start a bogus line. */
    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
