package io.hpdns.supervisor;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Pings every watched worker once per {@link #INTERVAL} over its control channel. A worker
 * answers on its own threads, so a worker that has sent nothing for longer than the timeout is
 * hung (stopped, deadlocked, thrashing in the collector) even though its process is still there.
 */
final class Heartbeat implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofSeconds(1);
    /**
     * A new JVM says nothing until it has booted and opened its channel, which takes a second on
     * an idle machine and much longer on a loaded one: until its first line, a worker gets at
     * least this long.
     */
    static final Duration FIRST_LINE_GRACE = Duration.ofSeconds(30);

    private final Duration timeout;
    private final Supplier<List<WorkerProcess>> watched;
    private final Consumer<WorkerProcess> hung;
    private final Thread thread;

    /**
     * @param watched the workers to ping now (those starting or serving)
     * @param hung told about a worker silent for longer than {@code timeout}, on every beat until it is gone
     */
    Heartbeat(Duration timeout, Supplier<List<WorkerProcess>> watched, Consumer<WorkerProcess> hung) {
        this.timeout = timeout;
        this.watched = watched;
        this.hung = hung;
        this.thread = Thread.ofPlatform().name("hpdns-heartbeat").daemon().unstarted(this::beat);
    }

    void start() {
        thread.start();
    }

    private void beat() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
            for (WorkerProcess worker : watched.get()) {
                if (worker.hasExited()) {
                    continue;
                }
                Duration allowed = worker.heardFrom() || timeout.compareTo(FIRST_LINE_GRACE) > 0
                        ? timeout : FIRST_LINE_GRACE;
                if (worker.silence().compareTo(allowed) > 0) {
                    hung.accept(worker);
                } else {
                    // The answer itself does not matter: any line from the worker counts as heard.
                    worker.request("ping");
                }
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
