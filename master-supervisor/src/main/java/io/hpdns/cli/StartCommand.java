package io.hpdns.cli;

import io.hpdns.conf.HpdnsConfig;
import io.hpdns.conf.ZoneConfig;
import io.hpdns.ctl.ControlReply;
import io.hpdns.ctl.ControlSocket;
import io.hpdns.reload.BuildIdentity;
import io.hpdns.reload.ZoneCompiler;
import io.hpdns.reload.ZoneImages;
import io.hpdns.server.ListenAddress;
import io.hpdns.supervisor.CompilerProcess;
import io.hpdns.supervisor.MasterControl;
import io.hpdns.supervisor.Supervisor;
import io.hpdns.supervisor.SupervisorOptions;
import io.hpdns.supervisor.WorkerFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code hpdns start}: the master, in the foreground until SIGTERM or SIGINT (systemd-friendly).
 * It reads and validates the configuration, opens the control socket, and runs
 * {@code server.workers} worker processes that load the zones and serve them (see
 * {@link Supervisor}); it loads no zone itself. A zone that fails to load does not stop the
 * start, as in Knot DNS and NSD: the others are served, its names are answered SERVFAIL, its
 * errors are logged with their file and line and shown by {@code hpdns ctl status}, and a reload
 * that finds the file fixed serves it.
 */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = {
            "Serve the configured zones over UDP and TCP in the foreground until SIGTERM, SIGINT or 'hpdns ctl stop'.",
            "A master process runs server.workers worker processes, which share the listen addresses. Logs a line"
                    + " containing 'ready' once every worker answers. SIGHUP reloads the zones in every worker."
        })
final class StartCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(StartCommand.class);
    /** How long a stop waits for the workers to go: theirs, then the time to kill the stragglers. */
    private static final Duration STOP_WAIT = Supervisor.STOP_GRACE.plusSeconds(10);
    private static final Signal HANGUP = new Signal("HUP");

    @Spec
    private CommandSpec spec;

    @Mixin
    private ServeOptions serve;

    @Option(names = "--workers", paramLabel = "N",
            description = "Worker processes, each serving every listen address; replaces server.workers.")
    private Integer workers;

    @Option(names = "--control", paramLabel = "PATH",
            description = "The control socket for 'hpdns ctl' (relative to the working directory); replaces"
                    + " server.control.")
    private Path control;

    private final CompletableFuture<List<ListenAddress>> serving = new CompletableFuture<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Counted down once every worker is gone, before the control socket closes. */
    private final CountDownLatch workersGone = new CountDownLatch(1);

    @Override
    public Integer call() {
        try {
            return serve(configuration());
        } finally {
            serving.completeExceptionally(new IllegalStateException("the server stopped before it was ready"));
            stopped.countDown();
        }
    }

    /** Asks a running {@code start} to stop its workers and return 0; safe from any thread, any time. */
    void stop() {
        stopRequested.countDown();
    }

    /**
     * Waits until every worker serves.
     *
     * @return the bound UDP and TCP addresses (the real ports when port 0 was asked for)
     * @throws IllegalStateException when the command ended without serving, or did not get there in time
     */
    List<ListenAddress> awaitReady(Duration timeout) throws InterruptedException {
        try {
            return serving.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("not ready after " + timeout, e);
        }
    }

    private HpdnsConfig configuration() {
        if (workers != null && (workers < 1 || workers > SupervisorOptions.MAX_WORKERS)) {
            throw new ParameterException(spec.commandLine(), "--workers: expected an integer from 1 to "
                    + SupervisorOptions.MAX_WORKERS + ", got " + workers);
        }
        HpdnsConfig config;
        try {
            config = serve.configuration();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (config.source() != null) {
            log.info("configuration {}", config.source());
        }
        if (workers != null) {
            config = config.withWorkers(workers);
        }
        if (control != null) {
            config = config.withControl(control);
        }
        return config;
    }

    private int serve(HpdnsConfig config) {
        if (config.zones().isEmpty()) {
            log.warn("no zones configured: every query will be refused");
        }
        Path stateDir = config.stateDirectory();
        Supervisor supervisor = new Supervisor(config.supervisor(), config.server().listen(),
                ProcessMain.class.getName(), listen -> serve.workerArguments(config, listen, stateDir));
        CompilerProcess compiler = new CompilerProcess(ProcessMain.class.getName(),
                serve.compilerArguments(config, stateDir), config.supervisor().compilerLinger(), zoneOctets(config));
        MasterControl commands = new MasterControl(supervisor, compiler, this::stopAndAwait, Clock.systemUTC());
        // Worker 0's JVM starts first: its start-up is most of a warm start's time.
        supervisor.prestart();
        ControlSocket controlSocket;
        try {
            controlSocket = ControlSocket.open(config.control(), commands);
        } catch (IOException e) {
            supervisor.stop();
            throw new CommandFailure(e.getMessage());
        }
        ZoneImages images;
        try {
            images = ZoneImages.open(stateDir, BuildIdentity.current());
        } catch (IOException e) {
            supervisor.stop();
            controlSocket.close();
            throw new CommandFailure("cannot use the state directory " + stateDir + ": " + e.getMessage());
        }
        if (!images.warmImageOfEach(config.zones())) {
            compiler.prestart();
        }
        // A stop asked for while the workers are still starting ends the start too.
        Thread.ofVirtual().name("hpdns-stop").start(() -> {
            awaitUninterruptibly(stopRequested);
            compiler.stop();
            supervisor.stop();
        });
        Thread signalHook = Thread.ofPlatform().name("hpdns-signal").unstarted(this::stopOnSignal);
        SignalHandler previousHup = reloadOnHangup(commands);
        Runtime.getRuntime().addShutdownHook(signalHook);
        try {
            compileInitial(commands, images, config);
            if (stopRequested.getCount() == 0) {
                log.info("stopped while starting");
                return 0;
            }
            List<ListenAddress> bound;
            try {
                bound = supervisor.start();
            } catch (WorkerFailure e) {
                if (stopRequested.getCount() == 0) {
                    log.info("stopped while starting");
                    return 0;
                }
                throw new CommandFailure(e.getMessage());
            }
            log.info("ready: {} on {} (udp+tcp), {}", Plural.of(config.zones().size(), "zone"), addressList(bound),
                    Plural.of(config.supervisor().workers(), "worker"));
            serving.complete(bound);
            // As Knot DNS does for a primary: the secondaries learn at once what this start serves.
            supervisor.announce();
            compileDeferredAnswers(commands, images);
            stopRequested.await();
            log.info("stopping");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Signal.handle(HANGUP, previousHup);
            removeHook(signalHook);
            stopRequested.countDown();
            compiler.stop();
            supervisor.stop();
            workersGone.countDown();
            controlSocket.close();
            release(images);
        }
        log.info("stopped");
        return 0;
    }

    /**
     * The first compile, before any worker starts: workers only map what the compiler built. A
     * start with every zone unchanged since the previous run serves the previous run's images
     * without starting the compiler (a warm start). When the compiler published nothing (it crashed, or ran out of memory), every zone is unserved
     * with its reason, so that the workers start all the same and answer SERVFAIL for the zones,
     * and a reload may serve them.
     */
    private static void compileInitial(MasterControl commands, ZoneImages images, HpdnsConfig config)
            throws InterruptedException {
        long started = System.nanoTime();
        ControlReply compiled = commands.compileInitial(
                () -> !config.zones().isEmpty() && new ZoneCompiler(images, 1).reuseWarm(config.zones()) != null);
        // No other line of a start may contain "ready": scripts wait for the one saying every worker serves.
        if (compiled.succeeded()) {
            log.info("{} compiled or taken from the previous run in {} ms", Plural.of(config.zones().size(), "zone"),
                    (System.nanoTime() - started) / 1_000_000);
            return;
        }
        try {
            if (images.publishUnservedUnlessPublished(config.zones(), compiled.error())) {
                log.error("no zone is served until a reload compiles them: {}", compiled.error());
            }
        } catch (IOException e) {
            throw new CommandFailure("cannot write the zone manifest in " + images.directory() + ": "
                    + e.getMessage());
        }
    }

    /**
     * When a zone is served from an image whose answers are deferred (a large zone compiled at this
     * start, or taken from a previous run that stopped before its answers were compiled), has them
     * compiled, on a thread of their own: the start is over, the zones are served meanwhile.
     */
    private static void compileDeferredAnswers(MasterControl commands, ZoneImages images) {
        try {
            if (!images.anyAnswersDeferred()) {
                return;
            }
        } catch (IOException e) {
            log.warn("cannot read the zone manifest ({}); answers deferred, if any, are compiled by the next reload",
                    e.getMessage());
            return;
        }
        Thread.ofVirtual().name("hpdns-answers").start(() -> {
            try {
                ControlReply reply = commands.compileDeferredAnswers();
                if (reply.succeeded()) {
                    log.info("deferred answers compiled and served");
                } else {
                    log.error("deferred answers: {}; the zones are served without them until a reload", reply.error());
                }
            } catch (InterruptedException e) {
                // The server is stopping.
            }
        });
    }

    /** The size of the configured zones' master files (those that can be read), which sizes the start's compile. */
    private static long zoneOctets(HpdnsConfig config) {
        long octets = 0;
        for (ZoneConfig zone : config.zones()) {
            try {
                octets += Files.size(zone.file());
            } catch (IOException e) {
                // The compiler reports why it cannot read it.
            }
        }
        return octets;
    }

    private static void release(ZoneImages images) {
        try {
            images.close();
        } catch (IOException e) {
            log.warn("could not unlock the state directory {}: {}", images.directory(), e.getMessage());
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // only a stop ends this wait
            }
        }
    }

    /**
     * SIGHUP reloads every zone in every worker, as it does for named and nsd. sun.misc.Signal
     * (module jdk.unsupported, readable without any flag on JDK 25) is the only way to catch a
     * signal other than through shutdown hooks; the reload runs on its own thread, not the signal thread.
     */
    private static SignalHandler reloadOnHangup(MasterControl commands) {
        return Signal.handle(HANGUP, signal -> Thread.ofVirtual().name("hpdns-sighup").start(() -> {
            log.info("SIGHUP: reloading zones");
            ControlReply reply = commands.handle("reload", List.of());
            if (reply.succeeded()) {
                log.info("SIGHUP: reload done");
            } else {
                log.error("SIGHUP: reload failed: {}", reply.error());
            }
        }));
    }

    /** {@code hpdns ctl stop}: stop, and say whether every worker was gone within the grace period. */
    private boolean stopAndAwait() {
        stop();
        try {
            return workersGone.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * SIGTERM/SIGINT: stop the workers the normal way, then end the JVM with status 0 (a stop that
     * was asked for is a success; the JVM would otherwise report 143/130 for the signal).
     */
    private void stopOnSignal() {
        stop();
        boolean closed;
        try {
            closed = stopped.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            closed = false;
        }
        if (!closed) {
            log.error("the workers did not stop within {}s; exiting anyway", STOP_WAIT.toSeconds());
        }
        Runtime.getRuntime().halt(closed ? 0 : CommandFailure.EXIT_CODE);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is what stopped the server.
        }
    }

    /** "127.0.0.1:5353 [::1]:5353": the bound addresses, with the ports the kernel chose for port 0. */
    private static String addressList(List<ListenAddress> bound) {
        StringBuilder text = new StringBuilder();
        for (ListenAddress address : bound) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(address);
        }
        return text.toString();
    }
}
