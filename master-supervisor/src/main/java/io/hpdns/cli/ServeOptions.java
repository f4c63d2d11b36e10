package io.hpdns.cli;

import io.hpdns.conf.ConfigException;
import io.hpdns.conf.ConfigProblem;
import io.hpdns.conf.ConfigReader;
import io.hpdns.conf.HpdnsConfig;
import io.hpdns.conf.ZoneConfig;
import io.hpdns.reload.ZoneListSource;
import io.hpdns.server.ListenAddress;
import io.hpdns.server.ServerOptions;
import io.hpdns.server.UdpTransportKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The options {@code start}, {@code worker} and {@code compile} share: the configuration file and
 * what the command line replaces in it. The master passes its workers and its compiler the same
 * configuration this way ({@link #workerArguments}, {@link #compilerArguments}), so all read it alike.
 */
final class ServeOptions {

    private static final Logger log = LoggerFactory.getLogger(ServeOptions.class);
    static final String CONFIG = "--config";
    static final String LISTEN = "--listen";
    static final String ZONE = "--zone";
    static final String UDP_THREADS = "--udp-threads";
    static final String UDP_TRANSPORT = "--udp-transport";
    private static final List<String> NAMES = List.of(CONFIG, LISTEN, ZONE, UDP_THREADS, UDP_TRANSPORT);

    @Option(names = {"-c", CONFIG}, paramLabel = "FILE",
            description = "Configuration file (default: conf/hpdns.yaml in the working directory, else in the"
                    + " hpdns installation directory; not needed when --zone is given).")
    private Path configFile;

    @Option(names = LISTEN, paramLabel = "ADDR:PORT", converter = ListenAddressConverter.class,
            description = "Serve UDP and TCP on this address, such as 127.0.0.1:5353, [::1]:5353 or *:53;"
                    + " repeatable; replaces server.listen.")
    private List<ListenAddress> listen;

    @Option(names = ZONE, paramLabel = "ORIGIN=FILE", converter = ZoneOptionConverter.class,
            description = "Serve this zone from this file (relative to the working directory); repeatable;"
                    + " replaces the configured zones.")
    private List<ZoneConfig> zones;

    @Option(names = UDP_THREADS, paramLabel = "N",
            description = "UDP sockets (one thread each) per listen address in each worker; replaces"
                    + " server.udp-threads.")
    private Integer udpThreads;

    @Option(names = UDP_TRANSPORT, paramLabel = "ffm|netty", converter = UdpTransportConverter.class,
            description = "How UDP is served: ffm (recvmmsg/sendmmsg through the FFM API, the default) or netty"
                    + " (native epoll); replaces server.udp-transport.")
    private UdpTransportKind udpTransport;

    /** The options {@link #from} reads, and a command's own: what {@link ProcessArguments} accepts. */
    static Set<String> namesWith(String... commandOptions) {
        Set<String> names = new HashSet<>(NAMES);
        names.addAll(List.of(commandOptions));
        return Set.copyOf(names);
    }

    /** The options of a command line the master wrote ({@link #workerArguments}, {@link #compilerArguments}). */
    static ServeOptions from(ProcessArguments arguments) {
        ServeOptions options = new ServeOptions();
        options.configFile = arguments.value(CONFIG, Path::of).orElse(null);
        options.listen = arguments.values(LISTEN, ListenAddress::parse);
        options.zones = arguments.values(ZONE, ZoneOptionConverter::parse);
        options.udpThreads = arguments.value(UDP_THREADS, Integer::valueOf).orElse(null);
        options.udpTransport = arguments.value(UDP_TRANSPORT, UdpTransportKind::parse).orElse(null);
        return options;
    }

    /**
     * The configuration file read (unless only {@code --zone} is given) with the command line's
     * replacements.
     *
     * @throws IllegalArgumentException for a value out of range, saying which option
     * @throws CommandFailure for errors in the configuration file (each is logged when there are several)
     */
    HpdnsConfig configuration() {
        if (udpThreads != null && (udpThreads < 1 || udpThreads > ServerOptions.MAX_UDP_THREADS)) {
            throw new IllegalArgumentException(UDP_THREADS + ": expected an integer from 1 to "
                    + ServerOptions.MAX_UDP_THREADS + ", got " + udpThreads);
        }
        HpdnsConfig config = configFile == null && zones != null ? HpdnsConfig.defaults() : readConfig();
        if (zones != null) {
            try {
                config = config.withZones(zones);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ZONE + ": " + e.getMessage(), e);
            }
        }
        if (listen != null) {
            try {
                config = config.withListen(listen);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(LISTEN + ": " + e.getMessage(), e);
            }
        }
        if (udpThreads != null) {
            config = config.withUdpThreads(udpThreads);
        }
        if (udpTransport != null) {
            config = config.withUdpTransport(udpTransport);
        }
        return config;
    }

    private HpdnsConfig readConfig() {
        Path file = ConfigLocation.resolve(configFile);
        try {
            return ConfigReader.read(file);
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

    /**
     * Where a full reload learns which zones to serve: the configuration file read again; zones
     * given with --zone are the list, fixed for the life of the process.
     */
    ZoneListSource zoneListSource(HpdnsConfig config) {
        if (zones != null || config.source() == null) {
            List<ZoneConfig> fixed = config.zones();
            return () -> fixed;
        }
        Path file = config.source();
        return () -> ConfigReader.read(file).zones();
    }

    /**
     * The {@code worker} command line that serves {@code config} as this command line gives it,
     * on {@code listen} (the listen addresses with their ports resolved), following the manifest
     * in {@code stateDir}.
     */
    List<String> workerArguments(HpdnsConfig config, List<ListenAddress> listen, Path stateDir) {
        List<String> arguments = new ArrayList<>(
                List.of(WorkerCommand.NAME, WorkerCommand.ZONE_IMAGES, stateDir.toString()));
        arguments.addAll(zoneArguments(config));
        for (ListenAddress address : listen) {
            arguments.add(LISTEN);
            arguments.add(address.toString());
        }
        arguments.add(UDP_THREADS);
        arguments.add(Integer.toString(config.server().udpThreads()));
        arguments.add(UDP_TRANSPORT);
        arguments.add(config.server().udpTransport().configName());
        return arguments;
    }

    /**
     * The {@code compile} command line that compiles the zones of {@code config} as this command
     * line gives them into {@code stateDir}.
     */
    List<String> compilerArguments(HpdnsConfig config, Path stateDir) {
        List<String> arguments = new ArrayList<>(
                List.of(CompileCommand.NAME, CompileCommand.STATE_DIR, stateDir.toString()));
        arguments.addAll(zoneArguments(config));
        return arguments;
    }

    /** Where the zone list comes from: the configuration file, and the zones of --zone. */
    private List<String> zoneArguments(HpdnsConfig config) {
        List<String> arguments = new ArrayList<>();
        if (config.source() != null) {
            arguments.add(CONFIG);
            arguments.add(config.source().toString());
        }
        if (zones != null) {
            for (ZoneConfig zone : config.zones()) {
                arguments.add(ZONE);
                arguments.add(zone.name() + "=" + zone.file());
            }
        }
        return arguments;
    }
}
