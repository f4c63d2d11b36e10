package io.hpdns.supervisor;

import io.hpdns.ctl.ControlReply;
import io.hpdns.server.ListenAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's worker processes: starts them, watches them, restarts the ones that fail, and
 * carries requests to them.
 *
 * <p>Each worker has a slot, whose state moves as follows:
 * <pre>
 *   STARTING --ready--> SERVING --exit / no heartbeat--> DOWN --backoff elapsed--> STARTING
 *   STARTING --exit / no heartbeat--> DOWN          (any state) --stop--> STOPPING
 * </pre>
 * A failure raises an alarm ({@code worker-exited}, or {@code worker-hung} for a worker killed
 * after {@code server.heartbeat-timeout} without an answer), and the worker is started again after
 * a {@link RestartBackoff}; the fifth failure in a row also raises {@code crash-loop}; a restarted
 * worker that serves again raises {@code worker-restarted}. Meanwhile the other workers keep
 * serving: they listen on the same ports (SO_REUSEPORT), and the kernel only hands connections
 * and datagrams to sockets that are open.
 *
 * <p>At start-up nothing is restarted: worker 0 starts first, alone (so a port in
 * use is reported once, and a port 0 becomes a real port that the other workers then bind too),
 * then the others together; any failure ends the start.
 *
 * <p>A rolling restart replaces the workers one at a time: the replacement starts beside the old
 * worker (both serve), and only once it serves is the old one told to stop.
 *
 * <p>With two workers or more, the master also keeps a spare: a worker JVM started ahead of need,
 * waiting for its index ({@code become N}). A failed worker is replaced by the spare at once, so
 * its place serves again after reading the zone images rather than after a JVM start as well; a new
 * spare is started once the replacement serves. With one worker there is no spare: the memory of
 * an idle JVM is a large share of a small server's.
 */
public final class Supervisor {

    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    /** How long a worker told to stop may take before it is killed. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);
    /** How long a killed worker may take to be gone. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);
    /** How long after a spare failed to start or exited another is started. */
    private static final Duration SPARE_RETRY = Duration.ofSeconds(5);

    private final List<ListenAddress> configured;
    private final WorkerLauncher launcher;
    private final Alarms alarms;
    private final Duration heartbeatTimeout;
    private final Heartbeat heartbeat;
    private final Slot[] slots;
    private final boolean keepsSpare;
    /** The final counters of the workers that stopped, so the totals do not drop at a restart. */
    private final QueryTotals retired = new QueryTotals();
    private final Object stopLock = new Object();

    // Guarded by this.
    /** The listen addresses with the ports worker 0 bound for port 0; null until it has. */
    private List<ListenAddress> listen;
    private boolean supervising;
    private boolean stopping;
    /** The spare worker, waiting for an index; null when there is none. */
    private WorkerProcess spare;
    /** Worker 0's JVM started ahead of {@link #start} ({@link #prestart}), waiting for its index; or null. */
    private WorkerProcess early;

    /**
     * @param listen the listen addresses; a port 0 is resolved by worker 0 and given to the others
     * @param mainClass the class whose {@code main} runs the command line
     * @param workerArguments the worker command and its options, for listen addresses whose ports are known
     */
    public Supervisor(SupervisorOptions options, List<ListenAddress> listen, String mainClass,
                      Function<List<ListenAddress>, List<String>> workerArguments) {
        this.configured = List.copyOf(listen);
        this.launcher = new WorkerLauncher(options.workerJvmOptions(), mainClass, workerArguments);
        this.alarms = new Alarms(options.alarmCommand());
        this.heartbeatTimeout = options.heartbeatTimeout();
        this.heartbeat = new Heartbeat(heartbeatTimeout, this::watched, this::hung);
        this.slots = new Slot[options.workers()];
        this.keepsSpare = options.workers() > 1;
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i);
        }
    }

    /**
     * Starts every worker and returns once all serve.
     *
     * @return the addresses worker 0 bound, with the ports chosen for port 0
     * @throws WorkerFailure when a worker could not start, with its reason; the caller then
     *     {@link #stop()}s the others
     */
    public List<ListenAddress> start() throws WorkerFailure, InterruptedException {
        heartbeat.start();
        WorkerProcess first = takeEarly(slots[0]);
        if (first == null) {
            first = launch(slots[0], configured, true);
        }
        List<ListenAddress> bound = awaitReady(first);
        List<ListenAddress> resolved = resolvePorts(bound);
        synchronized (this) {
            listen = resolved;
            serving(slots[0], first);
        }
        List<WorkerProcess> others = new ArrayList<>();
        for (int i = 1; i < slots.length; i++) {
            others.add(launch(slots[i], resolved, false));
        }
        for (WorkerProcess worker : others) {
            awaitReady(worker);
            synchronized (this) {
                serving(slots[worker.index()], worker);
            }
        }
        synchronized (this) {
            for (Slot slot : slots) {
                if (stopping || slot.process == null || slot.process.hasExited()) {
                    throw new WorkerFailure(stopping ? "stopped while starting"
                            : "worker " + slot.index + " exited while the others were starting (see its log above)");
                }
            }
            supervising = true;
        }
        launchSpare();
        return bound;
    }

    /**
     * Starts worker 0's JVM now, as a spare waiting for its index, so that the second or so a JVM
     * takes to start runs while the master compiles or checks the zones; {@link #start} then makes
     * it worker 0 (or, should it have exited, starts worker 0 itself).
     */
    public void prestart() {
        synchronized (this) {
            if (stopping || early != null) {
                return;
            }
            try {
                early = launcher.launch(WorkerProcess.SPARE, configured, true);
            } catch (IOException e) {
                log.warn("cannot start worker 0 ahead of the zones: {}; it starts after them", e.getMessage());
            }
        }
    }

    /** The worker started by {@link #prestart}, made worker 0 and told so; null when there is none. */
    private WorkerProcess takeEarly(Slot slot) {
        WorkerProcess taken;
        synchronized (this) {
            taken = stopping ? null : adopt(slot, early);
            early = null;
        }
        if (taken != null) {
            log.info("the worker started ahead of the zones (pid {}) becomes worker {}", taken.pid(), slot.index);
            tellIndex(taken);
        }
        return taken;
    }

    /** Starts a spare worker when there should be one and there is none. */
    private void launchSpare() {
        synchronized (this) {
            if (!keepsSpare || stopping || !supervising || spare != null) {
                return;
            }
            try {
                WorkerProcess started = launcher.launch(WorkerProcess.SPARE, listen, false);
                spare = started;
                started.exited().thenAccept(status -> spareExited(started, status));
                return;
            } catch (IOException e) {
                log.error("cannot start a spare worker: {}; trying again in {}s", e.getMessage(),
                        SPARE_RETRY.toSeconds());
            }
        }
        launchSpareLater();
    }

    private void spareExited(WorkerProcess worker, int status) {
        synchronized (this) {
            if (spare != worker || stopping) {
                // It became a worker (whose exit counts as that worker's), or it was replaced.
                return;
            }
            spare = null;
        }
        log.error("the spare worker (pid {}) exited with status {}; starting another in {}s", worker.pid(), status,
                SPARE_RETRY.toSeconds());
        launchSpareLater();
    }

    private void launchSpareLater() {
        Thread.ofVirtual().name("hpdns-spare").start(() -> {
            try {
                Thread.sleep(SPARE_RETRY);
            } catch (InterruptedException e) {
                return;
            }
            launchSpare();
        });
    }

    /**
     * The spare, made worker {@code slot.index} and put in its slot, or null when there is none.
     * Holds this; the caller then tells it its index.
     */
    private WorkerProcess takeSpare(Slot slot) {
        WorkerProcess taken = adopt(slot, spare);
        if (taken != null) {
            spare = null;
        }
        return taken;
    }

    /**
     * A worker waiting for its index, made worker {@code slot.index} and put in its slot, or null
     * when there is none (or it has exited). Holds this; the caller then tells it ({@link #tellIndex}).
     */
    private WorkerProcess adopt(Slot slot, WorkerProcess waiting) {
        if (waiting == null || waiting.hasExited()) {
            return null;
        }
        waiting.become(slot.index);
        slot.process = waiting;
        slot.state = State.STARTING;
        waiting.exited().thenAccept(status -> exited(slot, waiting, status));
        return waiting;
    }

    /**
     * Tells an adopted worker its index. One that dies meanwhile fails the request and its exit
     * counts as that worker's; one that refuses is ended, and counts the same way.
     */
    private static void tellIndex(WorkerProcess worker) {
        worker.request(WorkerChannel.BECOME + " " + worker.index()).thenAccept(reply -> {
            if (!reply.succeeded()) {
                log.error("the worker started as pid {} refused to become worker {}: {}", worker.pid(), worker.index(),
                        reply.error());
                worker.kill();
            }
        });
    }

    /** The configured listen addresses with worker 0's ports where port 0 was asked for. */
    private List<ListenAddress> resolvePorts(List<ListenAddress> bound) throws WorkerFailure {
        if (bound.size() != configured.size()) {
            throw new WorkerFailure("worker 0 reported " + bound.size() + " bound addresses for "
                    + configured.size() + " listen addresses");
        }
        List<ListenAddress> resolved = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            ListenAddress asked = configured.get(i);
            resolved.add(asked.port() != 0 ? asked : new ListenAddress(asked.address(), bound.get(i).port()));
        }
        return List.copyOf(resolved);
    }

    private WorkerProcess launch(Slot slot, List<ListenAddress> addresses, boolean first) throws WorkerFailure {
        synchronized (this) {
            if (stopping) {
                throw new WorkerFailure("stopped while starting");
            }
            try {
                WorkerProcess worker = launcher.launch(slot.index, addresses, first);
                slot.process = worker;
                slot.state = State.STARTING;
                worker.exited().thenAccept(status -> exited(slot, worker, status));
                return worker;
            } catch (IOException e) {
                throw new WorkerFailure("cannot start worker " + slot.index + ": " + e.getMessage());
            }
        }
    }

    private static List<ListenAddress> awaitReady(WorkerProcess worker) throws WorkerFailure, InterruptedException {
        try {
            return worker.ready().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof WorkerFailure failure ? failure : new WorkerFailure(e.getCause().toString());
        }
    }

    private void serving(Slot slot, WorkerProcess worker) {
        slot.state = State.SERVING;
        slot.servingSinceNanos = System.nanoTime();
        log.info("worker {} (pid {}) serving", slot.index, worker.pid());
    }

    /** The workers the heartbeat pings: those starting or serving, and replacements being started. */
    private synchronized List<WorkerProcess> watched() {
        List<WorkerProcess> watched = new ArrayList<>();
        if (stopping) {
            return watched;
        }
        for (Slot slot : slots) {
            if (slot.process != null) {
                watched.add(slot.process);
            }
            if (slot.replacement != null) {
                watched.add(slot.replacement);
            }
        }
        if (spare != null) {
            watched.add(spare);
        }
        return watched;
    }

    /** The heartbeat found a worker silent for too long: kill it; its exit restarts it. */
    private void hung(WorkerProcess worker) {
        AlarmEvent alarm;
        synchronized (this) {
            if (stopping || worker.killedAsHung()) {
                return;
            }
            if (worker.isSpare()) {
                // Nothing to alarm about: no query went to it. Its exit starts another.
                worker.killAsHung("the spare worker (pid " + worker.pid() + ") answered no heartbeat for "
                        + worker.silence().toSeconds() + "s; killed");
                return;
            }
            Slot slot = slots[worker.index()];
            String why = "worker " + slot.index + " (pid " + worker.pid() + ") answered no heartbeat for "
                    + worker.silence().toSeconds() + "s"
                    + (worker == slot.replacement ? " while replacing the old one" : "")
                    + " (server.heartbeat-timeout " + heartbeatTimeout.toSeconds() + "s); killed";
            worker.killAsHung(why);
            alarm = supervising ? new AlarmEvent(AlarmEvent.Kind.WORKER_HUNG, slot.index, worker.pid(), -1,
                    slot.restarts, why) : null;
        }
        if (alarm != null) {
            alarms.raise(alarm);
        }
    }

    /** A worker process ended: unless it was asked to, count the failure and start it again after the backoff. */
    private void exited(Slot slot, WorkerProcess worker, int status) {
        List<AlarmEvent> raised;
        synchronized (this) {
            if (stopping || !supervising || slot.process != worker) {
                return;
            }
            Duration served = slot.state == State.SERVING
                    ? Duration.ofNanos(System.nanoTime() - slot.servingSinceNanos) : Duration.ZERO;
            // A hung worker's alarm was raised when it was killed.
            raised = failed(slot, worker.pid(), status, served, worker.endReason(status), !worker.killedAsHung());
        }
        raised.forEach(alarms::raise);
    }

    /**
     * Counts a failure of the slot's worker, marks the slot down and schedules the next start after
     * the backoff. Holds this.
     *
     * @param pid the failed process; 0 when none could be started
     * @param status its exit status; -1 when none
     * @param served how long it had been serving; zero if it never was
     * @return the alarms to raise (outside the lock)
     */
    private List<AlarmEvent> failed(Slot slot, long pid, int status, Duration served, String reason,
                                    boolean exitAlarm) {
        slot.process = null;
        slot.state = State.DOWN;
        slot.lastFailure = reason;
        Duration delay = slot.backoff.failed(served);
        slot.nextStartNanos = System.nanoTime() + delay.toNanos();
        String when = delay.isZero() ? "now" : "in " + delay.toSeconds() + "s";
        List<AlarmEvent> raised = new ArrayList<>();
        if (exitAlarm) {
            raised.add(new AlarmEvent(AlarmEvent.Kind.WORKER_EXITED, slot.index, pid, status, slot.restarts,
                    reason + "; starting it again " + when));
        } else {
            log.info("worker {} starts again {}", slot.index, when);
        }
        if (slot.backoff.crashLoopBegan()) {
            raised.add(new AlarmEvent(AlarmEvent.Kind.CRASH_LOOP, slot.index, pid, status, slot.restarts,
                    "worker " + slot.index + " failed " + slot.backoff.failuresInARow() + " times in a row (last: "
                            + reason + "); it is started again every " + RestartBackoff.MAX.toSeconds()
                            + "s at most, the other workers keep serving"));
        }
        Thread.ofVirtual().name("hpdns-restart-" + slot.index).start(() -> restartAfter(slot, delay));
        return raised;
    }

    private void restartAfter(Slot slot, Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            return;
        }
        WorkerProcess worker;
        boolean fromSpare = false;
        List<AlarmEvent> raised = List.of();
        synchronized (this) {
            if (stopping || slot.state != State.DOWN) {
                return;
            }
            try {
                worker = takeSpare(slot);
                fromSpare = worker != null;
                if (!fromSpare) {
                    worker = launch(slot, listen, false);
                }
            } catch (WorkerFailure e) {
                raised = failed(slot, 0, -1, Duration.ZERO, e.getMessage(), true);
                worker = null;
            }
        }
        if (worker == null) {
            raised.forEach(alarms::raise);
            return;
        }
        if (fromSpare) {
            log.info("the spare worker (pid {}) becomes worker {}", worker.pid(), slot.index);
            tellIndex(worker);
        }
        try {
            worker.ready().get();
        } catch (ExecutionException e) {
            return; // it exited: exited() counts the failure and schedules the next try
        } catch (InterruptedException e) {
            return;
        }
        AlarmEvent back;
        synchronized (this) {
            if (stopping || slot.process != worker || slot.state != State.STARTING) {
                return;
            }
            serving(slot, worker);
            slot.restarts++;
            back = new AlarmEvent(AlarmEvent.Kind.WORKER_RESTARTED, slot.index, worker.pid(), -1, slot.restarts,
                    "worker " + slot.index + " serves again as pid " + worker.pid() + " (restart " + slot.restarts
                            + ")");
        }
        alarms.raise(back);
        // Only now: a JVM starting beside the one loading would slow it down.
        launchSpare();
        try {
            catchUp(worker);
        } catch (InterruptedException e) {
            return;
        }
        if (slot.index == 0) {
            announce();
        }
    }

    /**
     * Has a restarted worker serve what the manifest names now: it read the manifest when it
     * started, and a reload may have written a new one since, without it (it was not serving yet).
     * When nothing changed, following costs a read of the manifest.
     */
    private void catchUp(WorkerProcess worker) throws InterruptedException {
        ControlReply reply = request(worker, WorkerChannel.FOLLOW);
        if (!reply.succeeded()) {
            log.error("worker {} (pid {}) could not load the zones the others serve: {}", worker.index(), worker.pid(),
                    reply.error());
        }
    }

    /**
     * Sends {@code request} to every serving worker at once and waits for every answer; a worker
     * that exits meanwhile gives a failed reply saying so. No timeout: a worker that stops
     * answering is killed by the heartbeat, which ends its request.
     */
    public List<WorkerAnswer> ask(String request) throws InterruptedException {
        Map<WorkerProcess, CompletableFuture<ControlReply>> sent = new LinkedHashMap<>();
        for (WorkerProcess worker : serving()) {
            sent.put(worker, worker.request(request));
        }
        List<WorkerAnswer> answers = new ArrayList<>();
        for (Map.Entry<WorkerProcess, CompletableFuture<ControlReply>> entry : sent.entrySet()) {
            WorkerProcess worker = entry.getKey();
            answers.add(new WorkerAnswer(worker.index(), worker.pid(), await(entry.getValue())));
        }
        return answers;
    }

    /**
     * Has every serving worker follow the manifest the compiler has just published, all at once:
     * a worker only maps the images that changed and swaps them in, which its serving threads do
     * not notice. A worker that starts serving meanwhile follows once it serves ({@link #catchUp}).
     *
     * @return each serving worker's answer; empty when none serves
     */
    public List<WorkerAnswer> followAll() throws InterruptedException {
        return ask(WorkerChannel.FOLLOW);
    }

    private static ControlReply request(WorkerProcess worker, String request) throws InterruptedException {
        return await(worker.request(request));
    }

    /** A worker's reply; a failed one saying so when the worker exited before answering. */
    private static ControlReply await(CompletableFuture<ControlReply> reply) throws InterruptedException {
        try {
            return reply.get();
        } catch (ExecutionException e) {
            return ControlReply.failed(List.of(), e.getCause().getMessage() + " before answering");
        }
    }

    /** Sends {@code request} to the first serving worker and waits for its answer; null when none serves. */
    public WorkerAnswer askOne(String request) throws InterruptedException {
        List<WorkerProcess> serving = serving();
        if (serving.isEmpty()) {
            return null;
        }
        WorkerProcess worker = serving.getFirst();
        return new WorkerAnswer(worker.index(), worker.pid(), request(worker, request));
    }

    private synchronized List<WorkerProcess> serving() {
        List<WorkerProcess> serving = new ArrayList<>();
        for (Slot slot : slots) {
            if (slot.state == State.SERVING && !stopping) {
                serving.add(slot.process);
            }
        }
        return serving;
    }

    /**
     * Has worker 0, which sends the NOTIFYs (RFC 1996), announce the serials it has not announced
     * yet. Called once every worker serves the new data, so a secondary that queries at once,
     * whichever worker answers it, sees the serial it was told about.
     */
    public void announce() {
        WorkerProcess announcer;
        synchronized (this) {
            Slot first = slots[0];
            announcer = first.state == State.SERVING && !stopping ? first.process : null;
        }
        if (announcer != null) {
            announcer.request("notify");
        }
    }

    /** The final counters of every worker that has stopped. */
    QueryTotals retired() {
        return retired;
    }

    /**
     * Replaces every worker in turn, without a moment where none serves: starts the replacement,
     * waits until it serves, then stops the old one. A worker that is down or starting after a
     * failure is skipped: it is being replaced anyway. A replacement that cannot start ends the
     * restart with its reason; the old worker keeps serving.
     */
    public ControlReply restart() throws InterruptedException {
        List<String> lines = new ArrayList<>();
        for (Slot slot : slots) {
            WorkerProcess old;
            WorkerProcess fresh;
            synchronized (this) {
                if (stopping) {
                    return ControlReply.failed(lines, "the server is stopping");
                }
                if (slot.state != State.SERVING) {
                    lines.add("worker " + slot.index + ": " + slot.state.text + " after a failure; not replaced");
                    continue;
                }
                old = slot.process;
                try {
                    fresh = launcher.launch(slot.index, listen, false);
                } catch (IOException e) {
                    return ControlReply.failed(lines, "cannot start a replacement for worker " + slot.index + ": "
                            + e.getMessage());
                }
                slot.replacement = fresh;
            }
            try {
                awaitReady(fresh);
            } catch (WorkerFailure e) {
                synchronized (this) {
                    slot.replacement = null;
                }
                return ControlReply.failed(lines, "worker " + slot.index + ": its replacement failed: " + e.getMessage()
                        + "; pid " + old.pid() + " keeps serving");
            }
            boolean stopped;
            synchronized (this) {
                slot.replacement = null;
                stopped = stopping;
                if (!stopped) {
                    // The old worker may have failed meanwhile; the replacement serves either way.
                    slot.process = fresh;
                    fresh.exited().thenAccept(status -> exited(slot, fresh, status));
                    serving(slot, fresh);
                }
            }
            if (stopped) {
                // stop() no longer saw it as the replacement: stop it here.
                retire(List.of(fresh));
                return ControlReply.failed(lines, "the server is stopping");
            }
            retire(List.of(old));
            lines.add("worker " + slot.index + ": pid " + old.pid() + " replaced by pid " + fresh.pid());
        }
        // The spare too, so that it runs what the workers now run (a new jar, new JVM options).
        WorkerProcess oldSpare;
        synchronized (this) {
            oldSpare = spare;
            spare = null;
        }
        if (oldSpare != null) {
            retire(List.of(oldSpare));
        }
        launchSpare();
        announce();
        return ControlReply.ok(lines);
    }

    /**
     * Tells each worker to stop and waits, up to {@link #STOP_GRACE}, for it to finish what it was
     * doing and exit; kills the ones still there. Their final counters go into {@link #retired()}.
     */
    private void retire(List<WorkerProcess> workers) {
        Map<WorkerProcess, CompletableFuture<ControlReply>> told = new LinkedHashMap<>();
        for (WorkerProcess worker : workers) {
            told.put(worker, worker.request("stop"));
        }
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        boolean interrupted = false;
        for (Map.Entry<WorkerProcess, CompletableFuture<ControlReply>> entry : told.entrySet()) {
            WorkerProcess worker = entry.getKey();
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                ControlReply last = entry.getValue().get(left, TimeUnit.NANOSECONDS);
                if (last.succeeded()) {
                    retired.add(last.lines());
                }
                if (worker.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    continue;
                }
            } catch (ExecutionException e) {
                continue; // it had exited already
            } catch (TimeoutException e) {
                // killed below
            } catch (InterruptedException e) {
                interrupted = true;
            }
            log.warn("worker {} (pid {}) did not stop within {}s; killing it", worker.index(), worker.pid(),
                    STOP_GRACE.toSeconds());
            worker.kill();
        }
        for (WorkerProcess worker : workers) {
            try {
                if (!worker.awaitExit(KILL_GRACE)) {
                    log.error("worker {} (pid {}) is still there {}s after SIGKILL", worker.index(), worker.pid(),
                            KILL_GRACE.toSeconds());
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops every worker (see {@link #retire}) and the heartbeat; nothing is restarted any more.
     * Safe to call more than once and from any thread; returns when the workers are gone.
     */
    public void stop() {
        synchronized (stopLock) {
            List<WorkerProcess> running = new ArrayList<>();
            synchronized (this) {
                stopping = true;
                for (Slot slot : slots) {
                    if (slot.process != null) {
                        running.add(slot.process);
                    }
                    if (slot.replacement != null) {
                        running.add(slot.replacement);
                    }
                    slot.state = State.STOPPING;
                }
                if (spare != null) {
                    running.add(spare);
                    spare = null;
                }
                if (early != null) {
                    running.add(early);
                    early = null;
                }
            }
            heartbeat.close();
            retire(running);
        }
    }

    /** Each worker's pid, uptime, restarts and state, in index order. */
    public synchronized List<WorkerStatus> workers() {
        List<WorkerStatus> workers = new ArrayList<>();
        for (Slot slot : slots) {
            WorkerProcess worker = slot.process;
            String state = slot.state.text;
            if (slot.state == State.DOWN) {
                long wait = Math.max(0, slot.nextStartNanos - System.nanoTime());
                state += " (" + slot.lastFailure + "; starting again in " + TimeUnit.NANOSECONDS.toSeconds(wait) + "s)";
            }
            if (slot.replacement != null) {
                state += " (replacement pid " + slot.replacement.pid() + " starting)";
            }
            workers.add(new WorkerStatus(slot.index, worker == null ? 0 : worker.pid(),
                    worker == null ? null : worker.uptime(), slot.restarts, state));
        }
        return workers;
    }

    /** The spare worker as {@code ctl status} shows it: {@code spare pid P uptime Ns}. */
    public record SpareStatus(long pid, Duration uptime) {
        public String describe() {
            return "spare pid " + pid + " uptime " + uptime.toSeconds() + "s";
        }
    }

    /** The spare worker, or null when there is none. */
    public synchronized SpareStatus spare() {
        return spare == null ? null : new SpareStatus(spare.pid(), spare.uptime());
    }

    private enum State {
        STARTING("starting"), SERVING("serving"), DOWN("down"), STOPPING("stopping");

        final String text;

        State(String text) {
            this.text = text;
        }
    }

    /** One worker's place: the process filling it now, and its history. Guarded by the supervisor. */
    private static final class Slot {
        final int index;
        final RestartBackoff backoff = new RestartBackoff();
        WorkerProcess process;
        /** A rolling restart's new worker, starting beside {@link #process}. */
        WorkerProcess replacement;
        State state = State.STARTING;
        long servingSinceNanos;
        /** Restarts after a failure that led to a serving worker (a rolling restart is not counted). */
        int restarts;
        String lastFailure;
        long nextStartNanos;

        Slot(int index) {
            this.index = index;
        }
    }
}
