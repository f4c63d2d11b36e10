package io.hpdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** DNS over UDP (RFC 1035 §4.2.1) through the default (FFM) transport, with a real dnsjava client. */
class UdpServingTest {

    /**
     * With several local addresses on one port, each reply leaves from the address its query went
     * to, or the client (which checks the source) would drop it: each address has sockets of its own.
     */
    @ParameterizedTest
    @EnumSource(UdpTransportKind.class)
    void repliesLeaveFromTheAddressTheQueryCameTo(UdpTransportKind transport) throws IOException {
        try (RunningServer server = onTwoAddressesOfOnePort(transport);
                DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5000);
            byte[] query = RunningServer.query("www.example.test.", Type.A).toWire();
            int port = server.port();
            for (String address : List.of("127.0.0.2", "127.0.0.1", "127.0.0.2")) {
                InetSocketAddress to = new InetSocketAddress(address, port);
                client.send(new DatagramPacket(query, query.length, to));
                DatagramPacket reply = new DatagramPacket(new byte[512], 512);
                client.receive(reply);
                assertThat(reply.getSocketAddress()).isEqualTo(to);
                assertThat(new Message(Arrays.copyOf(reply.getData(), reply.getLength())).getRcode()).isEqualTo(Rcode.NOERROR);
            }
        }
    }

    /**
     * {@code *:PORT} binds each local address for itself: a query to 127.0.0.1, and to every other
     * address this host has (here e.g. the address of eth0 and IPv6 ones), is answered from the
     * address it went to.
     */
    @ParameterizedTest
    @EnumSource(UdpTransportKind.class)
    void wildcardRepliesLeaveFromTheAddressTheQueryCameTo(UdpTransportKind transport) throws IOException {
        try (RunningServer server = RunningServer.builder()
                .zone(RunningServer.EXAMPLE_ORIGIN, RunningServer.EXAMPLE_ZONE_RESOURCE)
                .listen("*:0")
                .udpTransport(transport)
                .start();
                DatagramSocket client = new DatagramSocket()) {
            client.setSoTimeout(5000);
            int port = server.port();
            List<InetSocketAddress> served = server.server().boundAddresses();
            assertThat(served).contains(new InetSocketAddress("127.0.0.1", port));
            byte[] query = RunningServer.query("www.example.test.", Type.A).toWire();
            for (InetSocketAddress to : served) {
                client.send(new DatagramPacket(query, query.length, to));
                DatagramPacket reply = new DatagramPacket(new byte[512], 512);
                client.receive(reply);
                assertThat(reply.getSocketAddress()).as("reply to a query sent to %s", to).isEqualTo(to);
                assertThat(new Message(Arrays.copyOf(reply.getData(), reply.getLength())).getRcode())
                        .isEqualTo(Rcode.NOERROR);
            }
        }
    }

    /** 127.0.0.1 and 127.0.0.2 on one port, found free; another try if something took it meanwhile. */
    private static RunningServer onTwoAddressesOfOnePort(UdpTransportKind transport) throws IOException {
        for (int attempt = 1; ; attempt++) {
            int port;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
                port = probe.getLocalPort();
            }
            try {
                return RunningServer.builder()
                        .zone(RunningServer.EXAMPLE_ORIGIN, RunningServer.EXAMPLE_ZONE_RESOURCE)
                        .listen("127.0.0.1:" + port)
                        .listen("127.0.0.2:" + port)
                        .udpTransport(transport)
                        .start();
            } catch (IOException e) {
                if (attempt == 5 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    @Test
    void answersAQueryOverUdp() throws IOException {
        try (RunningServer server = RunningServer.example()) {
            Message reply = server.udpOnlyResolver().send(RunningServer.query("www.example.test.", Type.A));

            assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(reply.getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(reply.getSection(Section.ANSWER))
                    .map(record -> ((ARecord) record).getAddress().getHostAddress())
                    .containsExactlyInAnyOrder("192.0.2.10", "192.0.2.11");
        }
    }

    @Test
    void answerTooLargeForUdpIsTruncatedAndComesWholeOverTcp() throws IOException {
        try (RunningServer server = RunningServer.example()) {
            Message truncated = server.udpOnlyResolver().send(RunningServer.query("big.example.test.", Type.TXT));
            assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();

            // RFC 7766 §5: the client repeats the query over TCP and gets the whole RRset.
            Message whole = server.udpResolver().send(RunningServer.query("big.example.test.", Type.TXT));
            assertThat(whole.getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(whole.getSection(Section.ANSWER)).hasSize(12).allMatch(record -> record instanceof TXTRecord);
        }
    }

    /**
     * The kernel spreads clients over a port's SO_REUSEPORT sockets by a hash of their address and
     * port; with 64 client sockets every one of the 4 server sockets gets some of them (all miss one
     * socket with probability 4 * (3/4)^64, about 1e-8), so a socket that did not answer loses queries.
     */
    @Test
    void everySocketOfAReusePortGroupAnswers() throws IOException {
        try (RunningServer server = RunningServer.builder()
                .zone(RunningServer.EXAMPLE_ORIGIN, RunningServer.EXAMPLE_ZONE_RESOURCE)
                .udpThreads(4)
                .start()) {
            List<DatagramSocket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 64; i++) {
                    DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                    client.setSoTimeout((int) RunningServer.CLIENT_TIMEOUT.toMillis());
                    clients.add(client);
                }
                Set<Integer> answered = new HashSet<>();
                for (int round = 0; round < 4; round++) {
                    for (int i = 0; i < clients.size(); i++) {
                        send(clients.get(i), server.address(), queryWithId(round * 1000 + i));
                    }
                    for (DatagramSocket client : clients) {
                        Message reply = receive(client);
                        assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
                        answered.add(reply.getHeader().getID());
                    }
                }
                assertThat(answered).hasSize(4 * 64);
            } finally {
                for (DatagramSocket client : clients) {
                    client.close();
                }
            }
        }
    }

    static Message queryWithId(int id) {
        Message query = RunningServer.query("www.example.test.", Type.A);
        query.getHeader().setID(id);
        return query;
    }

    static void send(DatagramSocket client, InetSocketAddress server, Message query) throws IOException {
        byte[] wire = query.toWire();
        client.send(new DatagramPacket(wire, wire.length, server));
    }

    static Message receive(DatagramSocket client) throws IOException {
        byte[] buffer = new byte[65535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        client.receive(packet);
        return new Message(Arrays.copyOf(buffer, packet.getLength()));
    }
}
