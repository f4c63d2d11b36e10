package io.hpdns.conf;

import io.hpdns.query.AnswerSettings;
import io.hpdns.server.ListenAddress;
import io.hpdns.server.ServerOptions;
import io.hpdns.server.UdpTransportKind;
import io.hpdns.supervisor.SupervisorOptions;
import io.hpdns.xfr.TransferPolicy;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * The whole configuration: how to serve (the {@code server} section, split into the transport's
 * options and the answering policy) and the zones to serve. The defaults are those of
 * {@link ServerOptions} and {@link AnswerSettings}, plus {@link #defaultListen()}.
 *
 * @param source the file it was read from; null when built from defaults and the command line
 * @param server listen addresses, UDP threads and TCP limits
 * @param answers EDNS UDP size, identity, version and NSID
 * @param zones the zones, each origin once, in the order given
 * @param transfers the TSIG keys, each zone's transfer access list and the concurrent transfer limit
 * @param control the Unix domain socket {@code hpdns ctl} talks to (config {@code server.control})
 * @param stateDir where compiled zones are kept across runs (config {@code server.state-dir}); null
 *     for the default beside the control socket, {@link #stateDirectory()}
 * @param supervisor how many worker processes serve, and how the master watches them
 */
public record HpdnsConfig(Path source, ServerOptions server, AnswerSettings answers, List<ZoneConfig> zones,
                          TransferPolicy transfers, Path control, Path stateDir, SupervisorOptions supervisor) {

    /**
     * Where the control socket is by default: relative to the configuration file's directory, or to
     * the working directory when there is no configuration file.
     */
    public static final Path DEFAULT_CONTROL = Path.of("run", "hpdns.sock");

    /** Not 53: the default configuration must run without privileges and beside a system resolver. */
    public static final int DEFAULT_PORT = 5353;

    public HpdnsConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(answers, "answers");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(transfers, "transfers");
        Objects.requireNonNull(supervisor, "supervisor");
        zones = List.copyOf(zones);
        Set<Name> seen = new HashSet<>();
        for (ZoneConfig zone : zones) {
            if (!seen.add(zone.name())) {
                throw new IllegalArgumentException("zone " + zone.name() + " is given twice");
            }
        }
    }

    /** Default settings and no zones, for running from the command line alone. */
    public static HpdnsConfig defaults() {
        return new HpdnsConfig(null, ServerOptions.withDefaults(defaultListen()), AnswerSettings.defaults(), List.of(),
                TransferPolicy.denyAll(), DEFAULT_CONTROL, null, SupervisorOptions.defaults());
    }

    /** Loopback only, on port 5353: 127.0.0.1, and ::1 when this host has IPv6 loopback. */
    public static List<ListenAddress> defaultListen() {
        ListenAddress v4 = ListenAddress.parse("127.0.0.1:" + DEFAULT_PORT);
        return hasIpv6Loopback() ? List.of(v4, ListenAddress.parse("[::1]:" + DEFAULT_PORT)) : List.of(v4);
    }

    /**
     * @throws IllegalArgumentException when the addresses overlap (the same one twice, or an
     *     address beside the wildcard on its port)
     */
    public HpdnsConfig withListen(List<ListenAddress> listen) {
        return new HpdnsConfig(source, server.withListen(listen), answers, zones, transfers, control, stateDir, supervisor);
    }

    /** @throws IllegalArgumentException when the count is out of range */
    public HpdnsConfig withUdpThreads(int udpThreads) {
        return new HpdnsConfig(source, server.withUdpThreads(udpThreads), answers, zones, transfers, control,
                stateDir, supervisor);
    }

    public HpdnsConfig withUdpTransport(UdpTransportKind udpTransport) {
        return new HpdnsConfig(source, server.withUdpTransport(udpTransport), answers, zones, transfers, control,
                stateDir, supervisor);
    }

    public HpdnsConfig withZones(List<ZoneConfig> newZones) {
        return new HpdnsConfig(source, server, answers, newZones, transfers, control, stateDir, supervisor);
    }

    public HpdnsConfig withControl(Path newControl) {
        return new HpdnsConfig(source, server, answers, zones, transfers, newControl, stateDir, supervisor);
    }

    /** @throws IllegalArgumentException when the count is out of range */
    public HpdnsConfig withWorkers(int workers) {
        return new HpdnsConfig(source, server, answers, zones, transfers, control, stateDir, supervisor.withWorkers(workers));
    }

    /**
     * The state directory: {@code server.state-dir}, or else the control socket's path followed by
     * {@code .state}, which no other running master uses (the control socket is one master's).
     */
    public Path stateDirectory() {
        if (stateDir != null) {
            return stateDir;
        }
        Path socket = control.toAbsolutePath();
        return socket.resolveSibling(socket.getFileName() + ".state");
    }

    /** A host with IPv6 disabled has no ::1, and binding it would fail; look before offering it. */
    private static boolean hasIpv6Loopback() {
        try {
            return NetworkInterface.getByInetAddress(InetAddress.ofLiteral("::1")) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
