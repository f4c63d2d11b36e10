package io.hpdns.cli;

import io.hpdns.conf.ConfigException;
import io.hpdns.conf.ConfigProblem;
import io.hpdns.conf.ConfigReader;
import io.hpdns.conf.HpdnsConfig;
import io.hpdns.conf.ZoneConfig;
import io.hpdns.ctl.ControlSocket;
import io.hpdns.ctl.ServerControl;
import io.hpdns.notify.ZoneNotifier;
import io.hpdns.reload.ReloadReport;
import io.hpdns.reload.ServedZone;
import io.hpdns.reload.ZoneListSource;
import io.hpdns.reload.ZoneReloader;
import io.hpdns.server.DnsServer;
import io.hpdns.server.ListenAddress;
import io.hpdns.server.ServerOptions;
import io.hpdns.server.UdpTransportKind;
import io.hpdns.stats.QueryStats;
import io.hpdns.xfr.ZoneJournals;
import java.io.IOException;
import java.net.InetSocketAddress;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code hpdns start}: serve in the foreground until SIGTERM or SIGINT (systemd-friendly). Every
 * zone must load: a server that silently started without one of its zones would answer REFUSED
 * for it, which is worse than not starting.
 */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = {
            "Serve the configured zones over UDP and TCP in the foreground until SIGTERM, SIGINT or 'hpdns ctl stop'.",
            "Logs a line containing 'ready' once every listen address is bound. SIGHUP reloads the zones."
        })
final class StartCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(StartCommand.class);
    /** How long a signal waits for the server to close before the JVM exits anyway. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
    private static final Signal HANGUP = new Signal("HUP");

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (default: conf/hpdns.yaml in the working directory, else in the"
                    + " hpdns installation directory; not needed when --zone is given).")
    private Path configFile;

    @Option(names = "--listen", paramLabel = "ADDR:PORT", converter = ListenAddressConverter.class,
            description = "Serve UDP and TCP on this address, such as 127.0.0.1:5353, [::1]:5353 or *:53;"
                    + " repeatable; replaces server.listen.")
    private List<ListenAddress> listen;

    @Option(names = "--zone", paramLabel = "ORIGIN=FILE", converter = ZoneOptionConverter.class,
            description = "Serve this zone from this file (relative to the working directory); repeatable;"
                    + " replaces the configured zones.")
    private List<ZoneConfig> zones;

    @Option(names = "--udp-threads", paramLabel = "N",
            description = "UDP sockets (one thread each) per listen address; replaces server.udp-threads.")
    private Integer udpThreads;

    @Option(names = "--udp-transport", paramLabel = "ffm|netty", converter = UdpTransportConverter.class,
            description = "How UDP is served: ffm (recvmmsg/sendmmsg through the FFM API, the default) or netty"
                    + " (native epoll); replaces server.udp-transport.")
    private UdpTransportKind udpTransport;

    @Option(names = "--control", paramLabel = "PATH",
            description = "The control socket for 'hpdns ctl' (relative to the working directory); replaces"
                    + " server.control.")
    private Path control;

    private final CompletableFuture<List<InetSocketAddress>> serving = new CompletableFuture<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Counted down once no DNS socket is open any more, before the control socket closes. */
    private final CountDownLatch dnsClosed = new CountDownLatch(1);

    @Override
    public Integer call() {
        try {
            return serve(configuration());
        } finally {
            serving.completeExceptionally(new IllegalStateException("the server stopped before it was ready"));
            stopped.countDown();
        }
    }

    /** Asks a running {@code start} to close its server and return 0; safe from any thread, any time. */
    void stop() {
        stopRequested.countDown();
    }

    /**
     * Waits until the server is serving.
     *
     * @return the bound UDP and TCP addresses (the real ports when port 0 was asked for)
     * @throws IllegalStateException when the command ended without serving, or did not get there in time
     */
    List<InetSocketAddress> awaitReady(Duration timeout) throws InterruptedException {
        try {
            return serving.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("not ready after " + timeout, e);
        }
    }

    private HpdnsConfig configuration() {
        if (udpThreads != null && (udpThreads < 1 || udpThreads > ServerOptions.MAX_UDP_THREADS)) {
            throw new ParameterException(spec.commandLine(), "--udp-threads: expected an integer from 1 to "
                    + ServerOptions.MAX_UDP_THREADS + ", got " + udpThreads);
        }
        HpdnsConfig config = configFile == null && zones != null ? HpdnsConfig.defaults() : readConfig();
        if (zones != null) {
            try {
                config = config.withZones(zones);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--zone: " + e.getMessage());
            }
        }
        if (listen != null) {
            try {
                config = config.withListen(listen);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
            }
        }
        if (udpThreads != null) {
            config = config.withUdpThreads(udpThreads);
        }
        if (udpTransport != null) {
            config = config.withUdpTransport(udpTransport);
        }
        if (control != null) {
            config = config.withControl(control);
        }
        return config;
    }

    /**
     * A method of its own so that no local of {@link #serve}, which waits out the server's life,
     * keeps a zone reachable after a reload replaced it.
     */
    private static void announceServed(ZoneReloader zones, ZoneNotifier notifier) {
        for (ServedZone zone : zones.served()) {
            notifier.announce(zone.zone(), zone.config().secondaries());
        }
    }

    private HpdnsConfig readConfig() {
        Path file = ConfigLocation.resolve(configFile);
        try {
            HpdnsConfig config = ConfigReader.read(file);
            log.info("configuration {}", file);
            return config;
        } catch (ConfigException e) {
            if (e.problems().size() == 1) {
                throw new CommandFailure(e.problems().getFirst().format());
            }
            for (ConfigProblem problem : e.problems()) {
                log.error("{}", problem.format());
            }
            throw new CommandFailure(file + ": " + Plural.of(e.problems().size(), "error") + " in the configuration");
        }
    }

    private int serve(HpdnsConfig config) {
        long started = System.nanoTime();
        ZoneNotifier notifier = new ZoneNotifier();
        ZoneReloader zones = new ZoneReloader(zoneListSource(config), Clock.systemUTC(),
                served -> notifier.announce(served.zone(), served.config().secondaries()),
                ZoneJournals.forTransfers(config.transfers()));
        ReloadReport loaded = zones.loadInitial(config.zones());
        if (loaded.failedZones() > 0) {
            throw new CommandFailure(Plural.of(loaded.failedZones(), "zone") + " failed to load");
        }
        if (config.zones().isEmpty()) {
            log.warn("no zones configured: every query will be refused");
        } else {
            log.info("{} loaded in {} ms", Plural.of(zones.served().size(), "zone"), (System.nanoTime() - started) / 1_000_000);
        }
        QueryStats stats = new QueryStats();
        ControlSocket controlSocket;
        try {
            controlSocket = ControlSocket.open(config.control(),
                    new ServerControl(zones, stats, this::stopAndAwait, Clock.systemUTC()));
        } catch (IOException e) {
            throw new CommandFailure(e.getMessage());
        }
        DnsServer dnsServer;
        try {
            dnsServer = DnsServer.start(config.server(), zones.holder(), config.answers(), config.transfers(), stats,
                    zones.journals());
        } catch (IOException e) {
            controlSocket.close();
            throw new CommandFailure(e.getMessage());
        }
        Thread signalHook = Thread.ofPlatform().name("hpdns-signal").unstarted(this::stopOnSignal);
        SignalHandler previousHup = reloadOnHangup(zones);
        try {
            Runtime.getRuntime().addShutdownHook(signalHook);
            List<InetSocketAddress> bound = dnsServer.boundAddresses();
            log.info("ready: {} on {} (udp+tcp)", Plural.of(zones.served().size(), "zone"), addressList(bound));
            serving.complete(bound);
            // As Knot DNS does for a primary: the secondaries learn at once what this start serves.
            announceServed(zones, notifier);
            stopRequested.await();
            log.info("stopping");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Signal.handle(HANGUP, previousHup);
            removeHook(signalHook);
            notifier.close();
            dnsServer.close();
            dnsClosed.countDown();
            controlSocket.close();
        }
        log.info("stopped");
        return 0;
    }

    /**
     * A full reload re-reads the configuration file for the zone list; zones given with --zone
     * are the list, fixed for the life of the process.
     */
    private ZoneListSource zoneListSource(HpdnsConfig config) {
        if (zones != null || config.source() == null) {
            List<ZoneConfig> fixed = config.zones();
            return () -> fixed;
        }
        Path file = config.source();
        return () -> ConfigReader.read(file).zones();
    }

    /**
     * SIGHUP reloads every zone, as it does for named and nsd. sun.misc.Signal (module
     * jdk.unsupported, readable without any flag on JDK 25) is the only way to catch a signal
     * other than through shutdown hooks; the reload runs on its own thread, not the signal thread.
     */
    private static SignalHandler reloadOnHangup(ZoneReloader zones) {
        return Signal.handle(HANGUP, signal -> Thread.ofVirtual().name("hpdns-sighup").start(() -> {
            log.info("SIGHUP: reloading zones");
            zones.reloadAll();
        }));
    }

    /** {@code hpdns ctl stop}: stop, and say whether the DNS sockets closed within the grace period. */
    private boolean stopAndAwait() {
        stop();
        try {
            return dnsClosed.await(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * SIGTERM/SIGINT: close the server the normal way, then end the JVM with status 0 (a stop that
     * was asked for is a success; the JVM would otherwise report 143/130 for the signal).
     */
    private void stopOnSignal() {
        stop();
        boolean closed;
        try {
            closed = stopped.await(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            closed = false;
        }
        if (!closed) {
            log.error("server did not close within {}; exiting anyway", CLOSE_GRACE);
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
    private static String addressList(List<InetSocketAddress> bound) {
        StringBuilder text = new StringBuilder();
        for (InetSocketAddress address : bound) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(ListenAddress.of(address));
        }
        return text.toString();
    }
}
