package io.hpdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Whatever arrives on the UDP port, the server keeps answering. Every datagram goes out from the
 * same client socket as the good query that follows, so all of them reach the same server socket
 * and thread (SO_REUSEPORT hashes on the client's address and port).
 */
class UdpMalformedDatagramTest {

    /** The largest UDP payload over IPv4: 65535 minus the IP and UDP headers. */
    private static final int MAX_IPV4_UDP_PAYLOAD = 65507;

    @Test
    void emptyDatagramDoesNotStopTheServer() throws IOException {
        assertAnswersAfter(new byte[0]);
    }

    @Test
    void oneByteDatagramDoesNotStopTheServer() throws IOException {
        assertAnswersAfter(new byte[] {42});
    }

    @Test
    void datagramOneByteShortOfAHeaderDoesNotStopTheServer() throws IOException {
        assertAnswersAfter(new byte[] {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00});
    }

    @Test
    void largestPossibleDatagramDoesNotStopTheServer() throws IOException {
        byte[] huge = new byte[MAX_IPV4_UDP_PAYLOAD];
        new Random(1).nextBytes(huge);
        assertAnswersAfter(huge);
    }

    @Test
    void randomDatagramsDoNotStopTheServer() throws IOException {
        Random random = new Random(7766);
        byte[][] datagrams = new byte[300][];
        for (int i = 0; i < datagrams.length; i++) {
            datagrams[i] = new byte[random.nextInt(600)];
            random.nextBytes(datagrams[i]);
        }
        assertAnswersAfter(datagrams);
    }

    @Test
    void mutatedQueriesDoNotStopTheServer() throws IOException {
        Random random = new Random(1035);
        byte[] valid = UdpServingTest.queryWithId(1).toWire();
        byte[][] datagrams = new byte[300][];
        for (int i = 0; i < datagrams.length; i++) {
            byte[] mutated = Arrays.copyOf(valid, 1 + random.nextInt(valid.length + 8));
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            datagrams[i] = mutated;
        }
        assertAnswersAfter(datagrams);
    }

    /** Sends the datagrams, then a good query, and expects the good query's answer among the replies. */
    private static void assertAnswersAfter(byte[]... datagrams) throws IOException {
        try (RunningServer server = RunningServer.example();
                DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout((int) RunningServer.CLIENT_TIMEOUT.toMillis());
            client.setSendBufferSize(1 << 20);
            for (byte[] datagram : datagrams) {
                client.send(new DatagramPacket(datagram, datagram.length, server.address()));
            }
            int id = 0xbeef;
            UdpServingTest.send(client, server.address(), UdpServingTest.queryWithId(id));

            Message reply = receiveReplyTo(client, id);
            assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.getQuestion().getName()).isEqualTo(Name.fromConstantString("www.example.test."));
            assertThat(reply.getSection(Section.ANSWER)).hasSize(2);
        }
    }

    /** Skips the replies to garbage (e.g. FORMERR to a readable header) up to the one with this ID. */
    private static Message receiveReplyTo(DatagramSocket client, int id) throws IOException {
        byte[] buffer = new byte[65535];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            client.receive(packet);
            if (packet.getLength() >= 12 && ((buffer[0] & 0xff) << 8 | buffer[1] & 0xff) == id) {
                Message reply = new Message(Arrays.copyOf(buffer, packet.getLength()));
                if (reply.getQuestion() != null && reply.getQuestion().getType() == Type.A) {
                    return reply;
                }
            }
        }
    }
}
