package io.hpdns.udp;

import io.netty.channel.Channel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets netty datagram sockets answer every query queued to them before they close (closing drops
 * the queue). Each socket gets a fence: a socket of ours on loopback. The netty socket is
 * connected to its fence, below netty (netty does not know, so it keeps reading with each
 * sender's address), and from then on the kernel delivers it nothing but the fence's datagrams:
 * new queries go to the other sockets of the port's SO_REUSEPORT group. The fence then sends one
 * query; the queue is first in, first out and the socket's thread answers in order, so when the
 * fence has its answer, every query queued before it has been answered.
 */
final class DrainFence {

    private static final Logger log = LoggerFactory.getLogger(DrainFence.class);

    /** A datagram already on its way to a socket when it was connected lands within microseconds. */
    private static final long SETTLE_MILLIS = 20;

    /** How long to wait for the fences' answers: far longer than a full queue takes to answer. */
    private static final int ANSWER_TIMEOUT_MILLIS = 2000;

    /** RFC 1035 §4.1: ID 0x6864, no flags, one question: ". SOA IN". Every server answers it. */
    private static final byte[] QUERY = {0x68, 0x64, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1};

    private DrainFence() {}

    /**
     * Returns once every channel has answered what was queued to it, or the wait timed out; the
     * channels then take no new datagrams and are ready to be closed. Channels on an address this
     * host no longer has are skipped: no fence can reach them.
     */
    static void drain(List<Channel> channels) {
        List<DatagramSocket> fences = new ArrayList<>(channels.size());
        List<InetSocketAddress> targets = new ArrayList<>(channels.size());
        try {
            for (Channel channel : channels) {
                InetSocketAddress local = (InetSocketAddress) channel.localAddress();
                InetAddress target = reachable(local.getAddress());
                if (target == null) {
                    continue;
                }
                DatagramSocket fence = new DatagramSocket(new InetSocketAddress(loopback(local.getAddress()), 0));
                fences.add(fence);
                targets.add(new InetSocketAddress(target, local.getPort()));
                ((Socket) ((UnixChannel) channel).fd()).connect(fence.getLocalSocketAddress());
            }
            if (fences.isEmpty()) {
                return;
            }
            Thread.sleep(SETTLE_MILLIS);
            for (int i = 0; i < fences.size(); i++) {
                fences.get(i).send(new DatagramPacket(QUERY, QUERY.length, targets.get(i)));
            }
            long deadline = System.nanoTime() + ANSWER_TIMEOUT_MILLIS * 1_000_000L;
            for (DatagramSocket fence : fences) {
                awaitAnswer(fence, deadline);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("UDP sockets {}: closing without draining their queues ({})", targets, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (DatagramSocket fence : fences) {
                fence.close();
            }
        }
    }

    /** Where a fence sends to reach a socket bound to {@code local}; null when nothing can. */
    private static InetAddress reachable(InetAddress local) throws IOException {
        if (local.isAnyLocalAddress()) {
            return loopback(local);
        }
        return local.isLoopbackAddress() || NetworkInterface.getByInetAddress(local) != null ? local : null;
    }

    private static InetAddress loopback(InetAddress sameFamilyAs) {
        return InetAddress.ofLiteral(sameFamilyAs instanceof Inet6Address ? "::1" : "127.0.0.1");
    }

    private static void awaitAnswer(DatagramSocket fence, long deadlineNanos) throws IOException {
        byte[] buffer = new byte[512];
        DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
        while (true) {
            long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (remaining <= 0) {
                throw new SocketTimeoutException("no answer to the fence query within " + ANSWER_TIMEOUT_MILLIS + " ms");
            }
            fence.setSoTimeout((int) remaining);
            fence.receive(answer);
            if (answer.getLength() >= 2 && buffer[0] == QUERY[0] && buffer[1] == QUERY[1]) {
                return;
            }
        }
    }
}
