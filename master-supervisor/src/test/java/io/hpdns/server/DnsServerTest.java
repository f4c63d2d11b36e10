package io.hpdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hpdns.query.AnswerSettings;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Starting, binding and stopping the server: addresses, ports, bind errors and clean release. */
class DnsServerTest {

    @Test
    void servesUdpAndTcpOnTheSamePortChosenForPortZero() throws IOException {
        try (RunningServer server = RunningServer.example()) {
            assertThat(server.port()).isPositive();
            assertThat(server.address().getAddress()).isEqualTo(InetAddress.ofLiteral("127.0.0.1"));
            assertAnswersA(server.udpOnlyResolver());
            assertAnswersA(server.tcpResolver());
        }
    }

    @Test
    void servesEveryListenAddress() throws IOException {
        try (RunningServer server = exampleServer().listen("127.0.0.1:0").listen("127.0.0.2:0").start()) {
            List<InetSocketAddress> bound = server.server().boundAddresses();

            assertThat(bound).hasSize(2);
            assertThat(bound.get(1).getAddress()).isEqualTo(InetAddress.ofLiteral("127.0.0.2"));
            for (InetSocketAddress address : bound) {
                SimpleResolver udp = new SimpleResolver(address);
                udp.setIgnoreTruncation(true);
                assertAnswersA(udp);
                SimpleResolver tcp = new SimpleResolver(address);
                tcp.setTCP(true);
                assertAnswersA(tcp);
            }
        }
    }

    @Test
    void servesIpv6Loopback() throws IOException {
        assumeTrue(canBind("::1"), "this host has no IPv6 loopback address");
        try (RunningServer server = exampleServer().listen("[::1]:0").start()) {
            assertThat(server.address().getAddress()).isEqualTo(InetAddress.ofLiteral("::1"));
            assertAnswersA(server.udpOnlyResolver());
            assertAnswersA(server.tcpResolver());
        }
    }

    /**
     * {@code *} binds every address of every interface that is up, each for itself, on one port;
     * IPv6 link-local addresses (fe80::/10) are left out, as they need a scope id.
     */
    @Test
    void wildcardServesEveryLocalAddressButIpv6LinkLocal() throws IOException {
        try (RunningServer server = exampleServer().listen("*:0").start()) {
            int port = server.port();
            Set<InetAddress> expected = new HashSet<>();
            for (NetworkInterface each : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (each.isUp()) {
                    for (InetAddress address : Collections.list(each.getInetAddresses())) {
                        if (!(address instanceof Inet6Address && address.isLinkLocalAddress())) {
                            expected.add(InetAddress.getByAddress(address.getAddress()));
                        }
                    }
                }
            }
            List<InetSocketAddress> bound = server.server().boundAddresses();

            assertThat(bound).allMatch(address -> address.getPort() == port);
            assertThat(bound).map(InetSocketAddress::getAddress).containsExactlyInAnyOrderElementsOf(expected);
            for (InetSocketAddress address : bound) {
                SimpleResolver tcp = new SimpleResolver(address);
                tcp.setTCP(true);
                assertAnswersA(tcp);
            }
        }
    }

    /** {@code *} serves 127.0.0.1 among the local addresses, over UDP and TCP. */
    @Test
    void wildcardServesIpv4Loopback() throws IOException {
        try (RunningServer server = exampleServer().listen("*:0").start()) {
            InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", server.port());
            SimpleResolver udp = new SimpleResolver(loopback);
            udp.setIgnoreTruncation(true);
            assertAnswersA(udp);
            SimpleResolver tcp = new SimpleResolver(loopback);
            tcp.setTCP(true);
            assertAnswersA(tcp);
        }
    }

    @Test
    void closeReleasesThePortForANewServer() throws IOException {
        int port;
        try (RunningServer first = RunningServer.example()) {
            port = first.port();
            assertAnswersA(first.tcpResolver());
        }
        try (RunningServer second = exampleServer().listen("127.0.0.1:" + port).start()) {
            assertThat(second.port()).isEqualTo(port);
            assertAnswersA(second.udpOnlyResolver());
            assertAnswersA(second.tcpResolver());
        }
    }

    @Test
    void closeEndsOpenTcpConnections() throws IOException {
        RunningServer server = RunningServer.example();
        try (Socket socket = server.connectTcp()) {
            socket.getOutputStream().write(RunningServer.framed(UdpServingTest.queryWithId(3)));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(RunningServer.readFramed(in).getHeader().getID()).isEqualTo(3);

            server.close();

            assertThat(in.read()).as("the server closed the connection").isEqualTo(-1);
        } finally {
            server.close();
        }
    }

    @Test
    void tcpPortInUseFailsNamingProtocolAndAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.ofLiteral("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> startExample("127.0.0.1:" + port))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot bind TCP 127.0.0.1:" + port + ": Address already in use")
                    .hasMessageContaining("choose another port");
        }
    }

    @Test
    void udpPortInUseFailsNamingProtocolAndAddressAndReleasesTcp() throws IOException {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int port = taken.getLocalPort();
            assumeTrue(canBindTcp(port), "another process holds TCP port " + port);

            assertThatThrownBy(() -> startExample("127.0.0.1:" + port))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot bind UDP 127.0.0.1:" + port + ": Address already in use");
            assertThat(canBindTcp(port)).as("TCP port released after the UDP failure").isTrue();
        }
    }

    @Test
    void addressNotOnThisHostFailsWithAdvice() {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never configured on a real interface.
        assertThatThrownBy(() -> startExample("192.0.2.1:0"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot bind TCP 192.0.2.1:0: Cannot assign requested address")
                .hasMessageContaining("no local interface has this address");
    }

    @Test
    void privilegedPortWithoutPrivilegeFailsWithAdvice() throws IOException {
        assumeTrue(!canBindTcp(53) && !canBindTcp(54), "this process may bind privileged ports");
        assertThatThrownBy(() -> startExample("127.0.0.1:54"))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot bind TCP 127.0.0.1:54: Permission denied"
                        + " (use a port >= 1024 or run with CAP_NET_BIND_SERVICE)");
    }

    private static RunningServer.Builder exampleServer() {
        return RunningServer.builder().zone(RunningServer.EXAMPLE_ORIGIN, RunningServer.EXAMPLE_ZONE_RESOURCE);
    }

    private static void startExample(String listen) throws IOException {
        ServingStateHolder zones = new ServingStateHolder(ServingState.of(List.of(
                RunningServer.loadZone(RunningServer.EXAMPLE_ORIGIN, RunningServer.EXAMPLE_ZONE_RESOURCE))));
        ServerOptions options = ServerOptions.withDefaults(List.of(ListenAddress.parse(listen)));
        DnsServer.start(options, zones, AnswerSettings.defaults()).close();
    }

    private static void assertAnswersA(SimpleResolver resolver) throws IOException {
        resolver.setTimeout(RunningServer.CLIENT_TIMEOUT);
        Message reply = resolver.send(RunningServer.query("www.example.test.", Type.A));
        assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.getSection(Section.ANSWER)).hasSize(2);
    }

    private static boolean canBind(String address) {
        try {
            new DatagramSocket(new InetSocketAddress(InetAddress.ofLiteral(address), 0)).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean canBindTcp(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
