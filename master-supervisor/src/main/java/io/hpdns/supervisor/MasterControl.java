package io.hpdns.supervisor;

import io.hpdns.ctl.ControlHandler;
import io.hpdns.ctl.ControlReply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The commands of {@code hpdns ctl}, carried out by the master: status of the master and of each
 * worker, and reload, stats and restart across the workers. Reloads and restarts run one at a
 * time, so each sees the workers the other left.
 */
public final class MasterControl implements ControlHandler {

    static final String USAGE = "expected status, reload [ZONE], stats, stop or restart";

    private final Supervisor supervisor;
    private final BooleanSupplier stop;
    private final Clock clock;
    private final Instant started;
    private final Object changes = new Object();
    /** Reloads as asked for (one per ctl reload or SIGHUP, however many workers carried it out). */
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failedReloads = new AtomicLong();

    /** @param stop stops the server and returns whether every worker stopped within its grace period */
    public MasterControl(Supervisor supervisor, BooleanSupplier stop, Clock clock) {
        this.supervisor = supervisor;
        this.stop = stop;
        this.clock = clock;
        this.started = clock.instant();
    }

    @Override
    public ControlReply handle(String command, List<String> arguments) {
        try {
            return switch (command) {
                case "status" -> arguments.isEmpty() ? status() : usage(command);
                case "reload" -> arguments.size() <= 1 ? reload(arguments) : usage(command);
                case "stats" -> arguments.isEmpty() ? stats() : usage(command);
                case "stop" -> arguments.isEmpty() ? stop() : usage(command);
                case "restart" -> arguments.isEmpty() ? restart() : usage(command);
                default -> ControlReply.failed(List.of(), "unknown command \"" + command + "\" (" + USAGE + ")");
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ControlReply.failed(List.of(), "interrupted: the server is stopping");
        }
    }

    private static ControlReply usage(String command) {
        return ControlReply.failed(List.of(), "wrong arguments for " + command + " (" + USAGE + ")");
    }

    private ControlReply status() throws InterruptedException {
        List<String> lines = new ArrayList<>();
        lines.add("pid: " + ProcessHandle.current().pid());
        lines.add("uptime: " + Duration.between(started, clock.instant()).toSeconds() + "s");
        List<WorkerStatus> workers = supervisor.workers();
        lines.add("workers: " + workers.size());
        for (WorkerStatus worker : workers) {
            lines.add(worker.describe());
        }
        Supervisor.SpareStatus spare = supervisor.spare();
        if (spare != null) {
            lines.add(spare.describe());
        }
        WorkerAnswer zones = supervisor.askOne("status");
        if (zones == null) {
            lines.add("zones: unknown (no worker is serving)");
        } else if (zones.reply().succeeded()) {
            lines.addAll(zones.reply().lines());
        } else {
            lines.add("zones: unknown (" + zones.reply().error() + ")");
        }
        return ControlReply.ok(lines);
    }

    /**
     * Every serving worker reloads in turn (see {@link Supervisor#reloadInTurn}), each building its
     * new state beside the one it serves; the reply comes once all have swapped (or failed). The
     * first worker's outcome is the reload's: the others serve what it built. One that could not
     * adds its lines, marked with its index, and fails the reload.
     */
    private ControlReply reload(List<String> arguments) throws InterruptedException {
        synchronized (changes) {
            String request = arguments.isEmpty() ? "reload" : "reload " + arguments.getFirst();
            List<WorkerAnswer> answers = supervisor.reloadInTurn(request);
            reloads.incrementAndGet();
            if (answers.isEmpty()) {
                failedReloads.incrementAndGet();
                return ControlReply.failed(List.of(), "no worker is serving; nothing was reloaded");
            }
            ControlReply first = answers.getFirst().reply();
            List<String> lines = new ArrayList<>(first.lines());
            String error = first.error();
            for (WorkerAnswer answer : answers.subList(1, answers.size())) {
                ControlReply reply = answer.reply();
                if (reply.succeeded()) {
                    continue;
                }
                for (String line : reply.lines()) {
                    lines.add("worker " + answer.worker() + ": " + line);
                }
                if (error == null) {
                    error = "worker " + answer.worker() + ": " + reply.error();
                }
            }
            if (error != null) {
                failedReloads.incrementAndGet();
            }
            // Every worker serves the new data now: the secondaries may be told.
            supervisor.announce();
            return error == null ? ControlReply.ok(lines) : ControlReply.failed(lines, error);
        }
    }

    /** Query counters summed over the workers (those that stopped included), then the reload counts. */
    private ControlReply stats() throws InterruptedException {
        QueryTotals totals = new QueryTotals();
        totals.addAll(supervisor.retired());
        for (WorkerAnswer answer : supervisor.ask("stats")) {
            if (answer.reply().succeeded()) {
                totals.add(answer.reply().lines());
            }
        }
        List<String> lines = totals.lines();
        lines.add("reloads: " + reloads.get());
        lines.add("reloads.failed: " + failedReloads.get());
        return ControlReply.ok(lines);
    }

    private ControlReply stop() {
        if (stop.getAsBoolean()) {
            return ControlReply.ok(List.of("stopped"));
        }
        return ControlReply.failed(List.of(), "the workers did not all stop within their grace period; see the log");
    }

    private ControlReply restart() throws InterruptedException {
        synchronized (changes) {
            return supervisor.restart();
        }
    }
}
