package io.hpdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * {@code *:PORT} follows the local addresses: one added while the server runs is served within a
 * few polls and answered from itself; one removed is no longer served. These tests change the
 * host's addresses with {@code ip address add/del} on the loopback interface (root only; skipped
 * otherwise) and always remove them again.
 */
class WildcardFollowsAddressesTest {

    private static final Duration POLL = Duration.ofMillis(200);
    /** Many polls: the wait ends as soon as the change is seen. */
    private static final Duration CHANGE_SEEN_WITHIN = Duration.ofSeconds(15);

    private final List<String> added = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger listenerLog = (Logger) LoggerFactory.getLogger(WildcardListener.class);

    @BeforeEach
    void captureTheListenersLog() {
        logged.start();
        listenerLog.addAppender(logged);
    }

    @AfterEach
    void removeAddedAddresses() throws Exception {
        listenerLog.detachAppender(logged);
        for (String address : added) {
            ip("address", "del", address, "dev", "lo");
        }
    }

    static List<Arguments> addressesAndTransports() {
        List<Arguments> cases = new ArrayList<>();
        for (UdpTransportKind transport : UdpTransportKind.values()) {
            cases.add(Arguments.of("127.0.0.77", "32", transport));
            cases.add(Arguments.of("2001:db8::77", "128", transport));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} over {2}")
    @MethodSource("addressesAndTransports")
    void anAddressAddedWhileRunningIsServedAndOneRemovedIsNot(String text, String prefix, UdpTransportKind transport)
            throws Exception {
        InetAddress address = InetAddress.ofLiteral(text);
        try (RunningServer server = wildcardServer(transport)) {
            InetSocketAddress served = new InetSocketAddress(address, server.port());
            assertThat(server.server().boundAddresses()).doesNotContain(served);

            addAddress(text + "/" + prefix);
            awaitTrue(() -> server.server().boundAddresses().contains(served), served + " served");

            assertUdpAnswerComesFrom(served);
            SimpleResolver tcp = new SimpleResolver(served);
            tcp.setTCP(true);
            tcp.setTimeout(RunningServer.CLIENT_TIMEOUT);
            assertThat(tcp.send(RunningServer.query("www.example.test.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(messages()).contains("now serving " + ListenAddress.of(served) + " (udp+tcp)");

            ip("address", "del", text + "/" + prefix, "dev", "lo");
            added.remove(text + "/" + prefix);
            awaitTrue(() -> !server.server().boundAddresses().contains(served), served + " no longer served");

            assertThat(messages()).contains("stopped serving " + ListenAddress.of(served) + ": address removed");
            assertThat(server.server().boundAddresses()).contains(new InetSocketAddress("127.0.0.1", server.port()));
            if (address.isLoopbackAddress()) {
                // All of 127.0.0.0/8 stays local without the address: nothing listens there now.
                assertNotServed(served);
            }
        }
    }

    /**
     * An address that cannot be bound (here another process holds the port on it) is logged once,
     * tried again at every poll, and served once the port is free.
     */
    @Test
    void anAddressThatCannotBeBoundIsTriedAgainAndLoggedOnce() throws Exception {
        try (RunningServer server = wildcardServer(UdpTransportKind.DEFAULT)) {
            InetSocketAddress served = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.78"), server.port());
            String warning = "*:0 does not serve " + ListenAddress.of(served) + " yet: cannot bind TCP "
                    + ListenAddress.of(served) + ": Address already in use";
            // A plain socket, without SO_REUSEPORT: the server's TCP bind fails with "in use".
            try (ServerSocket holder = new ServerSocket()) {
                holder.bind(served);
                addAddress("127.0.0.78/32");
                awaitTrue(() -> messages().stream().anyMatch(m -> m.startsWith(warning)), "the warning");
                Thread.sleep(5 * POLL.toMillis()); // a few more polls fail the same way

                assertThat(server.server().boundAddresses()).doesNotContain(served);
            }
            awaitTrue(() -> server.server().boundAddresses().contains(served), served + " served");
            assertUdpAnswerComesFrom(served);
            assertThat(messages()).filteredOn(m -> m.startsWith(warning)).hasSize(1);
        }
    }

    private static RunningServer wildcardServer(UdpTransportKind transport) throws IOException {
        return RunningServer.builder()
                .zone(RunningServer.EXAMPLE_ORIGIN, RunningServer.EXAMPLE_ZONE_RESOURCE)
                .listen("*:0")
                .udpTransport(transport)
                .addressPoll(POLL)
                .start();
    }

    /** Adds an address to lo, or skips the test where that is not possible (not root, no ip). */
    private void addAddress(String address) throws Exception {
        String failure;
        try {
            failure = ip("address", "add", address, "dev", "lo");
        } catch (IOException e) {
            failure = e.getMessage();
        }
        assumeTrue(failure == null, "cannot add " + address + " to lo: " + failure);
        added.add(address);
    }

    /** Runs ip(8); null on success, else what it printed. */
    private static String ip(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return process.waitFor() == 0 ? null : String.join(" ", command) + ": " + output;
    }

    private static void assertUdpAnswerComesFrom(InetSocketAddress served) throws IOException {
        try (DatagramSocket client = new DatagramSocket()) {
            client.setSoTimeout((int) RunningServer.CLIENT_TIMEOUT.toMillis());
            byte[] query = RunningServer.query("www.example.test.", Type.A).toWire();
            client.send(new DatagramPacket(query, query.length, served));
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            client.receive(reply);
            assertThat(reply.getSocketAddress()).isEqualTo(served);
            assertThat(new Message(Arrays.copyOf(reply.getData(), reply.getLength())).getRcode()).isEqualTo(Rcode.NOERROR);
        }
    }

    /** No socket is bound there: TCP is refused, and UDP gets ICMP port unreachable. */
    private static void assertNotServed(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            assertThrows(ConnectException.class, () -> socket.connect(address, 5000));
        }
        try (DatagramSocket client = new DatagramSocket()) {
            client.connect(address);
            client.setSoTimeout((int) RunningServer.CLIENT_TIMEOUT.toMillis());
            byte[] query = RunningServer.query("www.example.test.", Type.A).toWire();
            client.send(new DatagramPacket(query, query.length));
            assertThrows(PortUnreachableException.class, () -> client.receive(new DatagramPacket(new byte[512], 512)));
        }
    }

    private List<String> messages() {
        List<String> messages = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(logged.list)) {
            messages.add(event.getFormattedMessage());
        }
        return messages;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + CHANGE_SEEN_WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("%s within %s", what, CHANGE_SEEN_WITHIN).isNegative();
            Thread.sleep(20);
        }
    }
}
