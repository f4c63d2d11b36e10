package io.hpdns.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.query.Exchange;
import io.hpdns.query.Protocol;
import io.hpdns.query.QueryHandler;
import io.hpdns.udp.ffm.FfmUdpTransport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Both transports hand the engine each datagram's sender, IPv4 and IPv6, in the exchange: the
 * handler here answers with the address, port and protocol it was given, and the client compares
 * them with its own socket's.
 */
class ClientAddressTest {

    /** Echoes the exchange's client: protocol, address length, address octets, port. */
    private static final class ClientEcho implements QueryHandler {
        @Override
        public int answer(Exchange exchange) {
            ByteBuffer out = ByteBuffer.wrap(exchange.response());
            out.put((byte) exchange.protocol().ordinal());
            out.put((byte) exchange.clientAddressLength());
            out.put(exchange.clientAddress(), 0, exchange.clientAddressLength());
            out.putShort((short) exchange.clientPort());
            return out.position();
        }

        @Override
        public void retire() {
        }
    }

    private static List<InetAddress> loopbacks() throws Exception {
        List<InetAddress> addresses = new ArrayList<>(List.of(InetAddress.getByName("127.0.0.1")));
        InetAddress v6 = InetAddress.getByName("::1");
        if (NetworkInterface.getByInetAddress(v6) != null) {
            addresses.add(v6);
        }
        return addresses;
    }

    private static void assertClientSeen(UdpTransport transport, InetAddress address) throws Exception {
        InetSocketAddress server = transport.bind(new InetSocketAddress(address, 0));
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(address, 0))) {
            client.setSoTimeout(5000);
            byte[] query = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
            client.send(new DatagramPacket(query, query.length, server));
            DatagramPacket reply = new DatagramPacket(new byte[64], 64);
            client.receive(reply);

            ByteBuffer seen = ByteBuffer.wrap(reply.getData(), 0, reply.getLength());
            assertThat(seen.get()).isEqualTo((byte) Protocol.UDP.ordinal());
            byte[] octets = new byte[seen.get()];
            seen.get(octets);
            assertThat(InetAddress.getByAddress(octets)).isEqualTo(address);
            assertThat(Short.toUnsignedInt(seen.getShort())).isEqualTo(client.getLocalPort());
        }
    }

    @Test
    void ffmTransportGivesTheSenderOfEachDatagram() throws Exception {
        try (FfmUdpTransport ffm = FfmUdpTransport.open(1, ClientEcho::new)) {
            for (InetAddress address : loopbacks()) {
                assertClientSeen(ffm, address);
            }
        }
    }

    @Test
    void nettyTransportGivesTheSenderOfEachDatagram() throws Exception {
        try (NettyUdpTransport netty = NettyUdpTransport.open(1, ClientEcho::new)) {
            for (InetAddress address : loopbacks()) {
                assertClientSeen(netty, address);
            }
        }
    }
}
