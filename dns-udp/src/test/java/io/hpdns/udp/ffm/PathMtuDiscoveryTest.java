package io.hpdns.udp.ffm;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.query.AnswerSettings;
import io.hpdns.query.QueryProcessor;
import io.hpdns.udp.NettyUdpTransport;
import io.hpdns.udp.UdpTransport;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Both transports' UDP sockets ignore path MTU information, IPv4 and IPv6 alike, as Knot DNS's do.
 * Checked on the sockets a bound transport really holds: found through /proc by their local port,
 * then asked with getsockopt.
 */
class PathMtuDiscoveryTest {

    private static final Supplier<QueryProcessor> PROCESSORS = () -> new QueryProcessor(
            new ServingStateHolder(ServingState.of(List.of())),
            new AnswerSettings(1232, "ns1.example.com", "hpdns test", "ns1".getBytes(StandardCharsets.US_ASCII)));

    /** This process's descriptors of UDP sockets bound to {@code port} (proc(5): /proc/net/udp, /proc/self/fd). */
    private static List<Integer> socketsOn(int port, boolean ipv6) throws IOException {
        String portHex = ":" + String.format(Locale.ROOT, "%04X", port);
        List<String> inodes = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(ipv6 ? "/proc/net/udp6" : "/proc/net/udp"))) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 9 && fields[1].endsWith(portHex)) {
                inodes.add("socket:[" + fields[9] + "]");
            }
        }
        List<Integer> fds = new ArrayList<>();
        try (Stream<Path> links = Files.list(Path.of("/proc/self/fd"))) {
            for (Path link : links.toList()) {
                try {
                    if (inodes.contains(Files.readSymbolicLink(link).toString())) {
                        fds.add(Integer.parseInt(link.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // a descriptor closed meanwhile
                }
            }
        }
        return fds;
    }

    private static void assertOmitted(UdpTransport transport, String address) throws Exception {
        boolean ipv6 = address.contains(":");
        InetSocketAddress bound = transport.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        List<Integer> fds = socketsOn(bound.getPort(), ipv6);
        assertThat(fds).hasSize(2);
        for (int fd : fds) {
            int mode = ipv6
                    ? LinuxSockets.getInt(fd, LinuxSockets.IPPROTO_IPV6, LinuxSockets.IPV6_MTU_DISCOVER)
                    : LinuxSockets.getInt(fd, LinuxSockets.IPPROTO_IP, LinuxSockets.IP_MTU_DISCOVER);
            assertThat(mode).as("fd %d on %s", fd, bound).isEqualTo(LinuxSockets.PMTUDISC_OMIT);
        }
    }

    @Test
    void ffmSocketsOmitPathMtuDiscovery() throws Exception {
        try (FfmUdpTransport ffm = FfmUdpTransport.open(2, PROCESSORS)) {
            assertOmitted(ffm, "127.0.0.1");
            assertOmitted(ffm, "::1");
        }
    }

    @Test
    void nettySocketsOmitPathMtuDiscovery() throws Exception {
        try (NettyUdpTransport netty = NettyUdpTransport.open(2, PROCESSORS)) {
            assertOmitted(netty, "127.0.0.1");
            assertOmitted(netty, "::1");
        }
    }
}
