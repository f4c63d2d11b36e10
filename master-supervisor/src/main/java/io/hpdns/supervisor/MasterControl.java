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
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The commands of {@code hpdns ctl}, carried out by the master: status of the master and of each
 * worker, and reload, stats and restart across the workers. Reloads and restarts run one at a
 * time, so each sees the workers the other left.
 */
public final class MasterControl implements ControlHandler {

    static final String USAGE = "expected status, reload [ZONE], stats, stop or restart";

    private final Supervisor supervisor;
    private final CompilerProcess compiler;
    private final BooleanSupplier stop;
    private final Clock clock;
    private final Instant started;
    private final Object changes = new Object();
    /** Reloads as asked for (one per ctl reload or SIGHUP, however many workers carried it out). */
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failedReloads = new AtomicLong();

    /** @param stop stops the server and returns whether every worker stopped within its grace period */
    /** @param compiler compiles the zones for each reload */
    public MasterControl(Supervisor supervisor, CompilerProcess compiler, BooleanSupplier stop, Clock clock) {
        this.supervisor = supervisor;
        this.compiler = compiler;
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
     * The master's first compile, before any worker starts; a reload asked for meanwhile waits for
     * it. No compiler runs when {@code warmStart} served every zone from the previous run's images;
     * otherwise the compiler compiles every zone, taking those unchanged since the previous run
     * from its images.
     */
    public ControlReply compileInitial(BooleanSupplier warmStart) throws InterruptedException {
        synchronized (changes) {
            if (warmStart.getAsBoolean()) {
                return ControlReply.ok(List.of());
            }
            return compiler.compile(CompileRequest.initial());
        }
    }

    /**
     * After a start that serves zones from images whose answers are deferred
     * (docs/architecture.md, "Answers compiled after the first answer"): the compiler compiles
     * their answers into new images, and every serving worker follows, as after a reload
     * ({@link #compiledAndFollowed}). A reload asked for meanwhile waits for it.
     */
    public ControlReply compileDeferredAnswers() throws InterruptedException {
        synchronized (changes) {
            return compiledAndFollowed(CompileRequest.answers());
        }
    }

    /**
     * The compiler compiles the zones whose files changed and publishes the new manifest (see
     * {@link CompilerProcess}); then every serving worker follows it, mapping the new images and
     * swapping them in beside what it serves (see {@link #compiledAndFollowed}).
     */
    private ControlReply reload(List<String> arguments) throws InterruptedException {
        CompileRequest request = CompileRequest.all();
        if (!arguments.isEmpty()) {
            try {
                request = CompileRequest.one(Name.fromString(arguments.getFirst(), Name.root));
            } catch (TextParseException e) {
                reloads.incrementAndGet();
                failedReloads.incrementAndGet();
                return ControlReply.failed(List.of(), "\"" + arguments.getFirst() + "\" is not a zone name: "
                        + e.getMessage());
            }
        }
        synchronized (changes) {
            ControlReply followed = compiledAndFollowed(request);
            // Counted once done, so that a count seen means that reload is served.
            reloads.incrementAndGet();
            if (!followed.succeeded()) {
                failedReloads.incrementAndGet();
            }
            // Every worker serves the new data now: the secondaries may be told.
            supervisor.announce();
            return followed;
        }
    }

    /**
     * Has the compiler carry out {@code request}, then every serving worker follow the manifest it
     * published (even after a failure: the zones that compiled are published). The reply, once all
     * have swapped, is the compiler's report; a worker that could not follow adds its lines, marked
     * with its index, and fails it. Called holding {@link #changes}.
     */
    private ControlReply compiledAndFollowed(CompileRequest request) throws InterruptedException {
        ControlReply compiled = compiler.compile(request);
        List<String> lines = new ArrayList<>(compiled.lines());
        String error = compiled.error();
        List<WorkerAnswer> answers = supervisor.followAll();
        if (answers.isEmpty() && error == null) {
            error = "no worker is serving; the zones are compiled and will be served when one is";
        }
        for (WorkerAnswer answer : answers) {
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
        return error == null ? ControlReply.ok(lines) : ControlReply.failed(lines, error);
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
