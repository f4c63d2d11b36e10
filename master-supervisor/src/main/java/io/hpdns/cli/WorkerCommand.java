package io.hpdns.cli;

import io.hpdns.conf.HpdnsConfig;
import io.hpdns.ctl.ControlReply;
import io.hpdns.ctl.WorkerControl;
import io.hpdns.notify.ZoneNotifier;
import io.hpdns.query.QueryPathWarmup;
import io.hpdns.reload.NewSerialListener;
import io.hpdns.reload.ReloadReport;
import io.hpdns.reload.UnservedZone;
import io.hpdns.reload.ZoneImages;
import io.hpdns.reload.ZoneReloader;
import io.hpdns.server.DnsServer;
import io.hpdns.stats.QueryStats;
import io.hpdns.supervisor.ProcessLogTag;
import io.hpdns.supervisor.WorkerChannel;
import io.hpdns.xfr.ZoneJournals;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code worker} (internal: started by {@code hpdns start}, run by {@link ProcessMain}): maps the
 * zones the compiler built (the images the state directory's manifest names) and serves them over
 * UDP and TCP on every listen address, sharing the ports with the other workers through
 * SO_REUSEPORT, and answers the master over its control channel, standard input and output (see
 * {@link WorkerChannel}). Worker 0 also sends the NOTIFYs, when the master says so.
 *
 * <p>It stops, closing its sockets and exiting 0, when the master asks ({@code stop}), on SIGTERM,
 * and when its standard input ends: the master is gone, and a worker never outlives it. SIGINT and
 * SIGHUP are ignored: a Ctrl-C in a terminal reaches the whole process group, and the master, which
 * handles both, tells the workers what to do.
 */
final class WorkerCommand implements Callable<Integer> {

    static final String NAME = "worker";
    /** This worker's index among the master's workers, from 0. */
    static final String INDEX = "--index";
    /**
     * Start the JVM, then wait for the master to give this worker its index ({@code become N}), so
     * that a worker that failed is replaced without waiting for a JVM to start.
     */
    static final String SPARE = "--spare";
    /**
     * Worker 0 of a start, with no other worker serving beside it: it binds its sockets before it
     * warms up its query path, as an answer from the interpreter beats none (see WorkerLauncher).
     */
    static final String FIRST = "--first";
    /** The state directory: serve the zone images its manifest names (see {@link ZoneImages}). */
    static final String ZONE_IMAGES = "--zone-images";
    static final Set<String> OPTIONS = ServeOptions.namesWith(INDEX, ZONE_IMAGES);
    static final Set<String> FLAGS = Set.of(SPARE, FIRST);
    private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);
    /** How long a stop waits for answers being sent (the one to stop itself, with the final counters). */
    private static final Duration ANSWER_GRACE = Duration.ofSeconds(5);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
    /** How often the serving threads are checked for one that ended on its own. */
    private static final Duration FAULT_CHECK = Duration.ofSeconds(1);
    /** The exit status of a worker that stopped because a serving thread ended (EX_SOFTWARE). */
    static final int SERVING_FAULT_EXIT = 70;

    private final ServeOptions serve;
    private final boolean spare;
    private final boolean first;
    private final Path zoneImages;
    private volatile Integer index;

    /** A spare's index, once the master gave it. */
    private final CompletableFuture<Integer> given = new CompletableFuture<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    /** Counted down once the DNS sockets are closed and the final counters known. */
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile WorkerControl control;
    private volatile List<String> finalCounters = List.of();

    private WorkerCommand(ServeOptions serve, Integer index, boolean spare, boolean first, Path zoneImages) {
        this.serve = serve;
        this.index = index;
        this.spare = spare;
        this.first = first;
        this.zoneImages = zoneImages;
    }

    /** The worker the master's command line describes: {@code --index N} or {@code --spare}, and the rest. */
    static WorkerCommand from(ProcessArguments arguments) {
        Integer index = arguments.value(INDEX, Integer::valueOf).orElse(null);
        boolean spare = arguments.flag(SPARE);
        if (spare == (index != null)) {
            throw new IllegalArgumentException("expected either " + INDEX + " N or " + SPARE);
        }
        Path zoneImages = arguments.value(ZONE_IMAGES, Path::of)
                .orElseThrow(() -> new IllegalArgumentException("missing " + ZONE_IMAGES));
        return new WorkerCommand(ServeOptions.from(arguments), index, spare, arguments.flag(FIRST), zoneImages);
    }

    @Override
    public Integer call() {
        // The channel to the master is the real standard output; nothing else may write there.
        OutputStream channelOut = new FileOutputStream(FileDescriptor.out);
        System.setOut(System.err);
        if (!spare) {
            ProcessLogTag.worker(index);
        }
        ignore("INT");
        ignore("HUP");
        WorkerChannel channel = new WorkerChannel(System.in, channelOut, this::handle, this::masterGone);
        channel.start();
        Thread signalHook = Thread.ofPlatform().name("hpdns-signal").unstarted(this::stopOnSignal);
        Runtime.getRuntime().addShutdownHook(signalHook);
        try {
            if (spare) {
                // Until then a stop (stop, end of input, SIGTERM) halts it, as it does a worker still
                // loading; join, unlike get, is not cut short by an interrupt.
                index = given.join();
                ProcessLogTag.worker(index);
            }
            return serve(channel);
        } finally {
            removeHook(signalHook);
        }
    }

    private int serve(WorkerChannel channel) {
        long started = System.nanoTime();
        HpdnsConfig config;
        try {
            config = serve.configuration();
        } catch (CommandFailure | IllegalArgumentException e) {
            channel.failed(e.getMessage());
            return CommandFailure.EXIT_CODE;
        }
        // The UDP transport's native calls link (0.15 s) while the zones are mapped.
        Thread.ofPlatform().daemon().name("hpdns-udp-link").start(() -> DnsServer.prepareUdp(config.server()));
        ZoneReloader zones = new ZoneReloader(serve.zoneListSource(config), Clock.systemUTC(), NewSerialListener.NONE,
                ZoneJournals.forTransfers(config.transfers()), new ZoneImages(zoneImages));
        ReloadReport loaded = zones.followInitial();
        if (!loaded.ok()) {
            // Serving anything else than what the others serve would be worse than not serving.
            channel.failed(String.join("; ", loaded.errors()));
            return CommandFailure.EXIT_CODE;
        }
        if (!config.zones().isEmpty()) {
            log.info("{} mapped in {} ms", Plural.of(zones.served().size(), "zone"),
                    (System.nanoTime() - started) / 1_000_000);
        }
        for (UnservedZone unserved : zones.unserved()) {
            log.error("zone {} is not served (answered SERVFAIL) until a reload loads it: {}",
                    unserved.config().name(), unserved.reason());
        }
        if (!first) {
            warmUp(zones, config);
        }
        QueryStats stats = new QueryStats();
        DnsServer dns;
        try {
            dns = DnsServer.start(config.server(), zones.holder(), config.answers(), config.transfers(), stats,
                    zones.journals());
        } catch (IOException e) {
            channel.failed(e.getMessage());
            return CommandFailure.EXIT_CODE;
        }
        if (first) {
            warmUp(zones, config);
        }
        ZoneNotifier notifier = index == 0 ? new ZoneNotifier() : null;
        WorkerControl serving = new WorkerControl(zones, stats, notifier);
        control = serving;
        channel.ready(dns.listenAddresses());
        String fault;
        try {
            fault = awaitStopOrFault(dns);
        } finally {
            if (notifier != null) {
                notifier.close();
            }
            dns.close();
            finalCounters = serving.counters();
            closed.countDown();
            channel.awaitAnswers(ANSWER_GRACE);
        }
        if (fault != null) {
            log.error("{}: this worker no longer serves all its addresses; exiting so that the master starts"
                    + " a new one", fault);
            return SERVING_FAULT_EXIT;
        }
        return 0;
    }

    private static void warmUp(ZoneReloader zones, HpdnsConfig config) {
        long warming = System.nanoTime();
        int warmup = QueryPathWarmup.run(zones.holder(), config.answers());
        log.info("query path warmed up with {} queries in {} ms", warmup, (System.nanoTime() - warming) / 1_000_000);
    }

    /**
     * Serves until a stop is asked for (returns null) or a serving thread ends on its own (returns
     * what ended): a worker that answers its heartbeat but no longer answers DNS on one of its
     * sockets must not look healthy to the master.
     */
    private String awaitStopOrFault(DnsServer dns) {
        while (true) {
            try {
                if (stopRequested.await(FAULT_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
                    return null;
                }
            } catch (InterruptedException e) {
                // only a stop or a fault ends the serving
            }
            String fault = dns.fault();
            if (fault != null) {
                return fault;
            }
        }
    }

    /**
     * The master's requests: {@code ping}, {@code stop} and, to a spare, {@code become N} here, the
     * rest once the zones are served.
     */
    private ControlReply handle(String command, List<String> arguments) {
        if (command.equals("ping")) {
            return ControlReply.ok(List.of());
        }
        if (command.equals("stop")) {
            return stopAndReport();
        }
        if (command.equals(WorkerChannel.BECOME)) {
            return become(arguments);
        }
        WorkerControl serving = control;
        if (serving == null) {
            return ControlReply.failed(List.of(), index == null ? "a spare worker serves nothing"
                    : "worker " + index + " is still starting");
        }
        return serving.handle(command, arguments);
    }

    /** {@code become N}: a spare takes its index and starts loading the zones. */
    private ControlReply become(List<String> arguments) {
        if (arguments.size() != 1 || !arguments.getFirst().matches("[0-9]{1,2}")) {
            return ControlReply.failed(List.of(), "expected become INDEX");
        }
        if (!spare || !given.complete(Integer.parseInt(arguments.getFirst()))) {
            return ControlReply.failed(List.of(), "not a spare waiting for its index");
        }
        return ControlReply.ok(List.of());
    }

    /** {@code stop}: answered once the DNS sockets are closed, with the final counters. */
    private ControlReply stopAndReport() {
        stopRequested.countDown();
        if (control == null) {
            // Still loading: nothing is served yet, nothing to finish.
            Runtime.getRuntime().halt(0);
        }
        try {
            if (!closed.await(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                return ControlReply.failed(List.of(), "the DNS sockets did not close within "
                        + CLOSE_GRACE.toSeconds() + "s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ControlReply.failed(List.of(), "interrupted while stopping");
        }
        return ControlReply.ok(finalCounters);
    }

    /** End of the channel: the master exited or was killed. */
    private void masterGone() {
        if (control == null) {
            Runtime.getRuntime().halt(0);
        }
        log.info("the master is gone: stopping");
        stopRequested.countDown();
    }

    /** SIGTERM: stop like {@code stop} and exit 0 (not the 143 the JVM would report for the signal). */
    private void stopOnSignal() {
        if (control == null) {
            Runtime.getRuntime().halt(0);
        }
        stopRequested.countDown();
        boolean done;
        try {
            done = closed.await(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            done = false;
        }
        Runtime.getRuntime().halt(done ? 0 : CommandFailure.EXIT_CODE);
    }

    private static void ignore(String signal) {
        try {
            Signal.handle(new Signal(signal), SignalHandler.SIG_IGN);
        } catch (IllegalArgumentException e) {
            // The JVM keeps this signal for itself (-Xrs): nothing to ignore.
            log.debug("cannot ignore SIG{}: {}", signal, e.getMessage());
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is what stopped the worker.
        }
    }
}
