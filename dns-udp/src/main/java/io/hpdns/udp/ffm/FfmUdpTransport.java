package io.hpdns.udp.ffm;

import io.hpdns.query.QueryProcessor;
import io.hpdns.udp.SocketBuffers;
import io.hpdns.udp.UdpTransport;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP through {@code recvmmsg}/{@code sendmmsg} called directly with the JDK's Foreign Function
 * and Memory API: for each listen address, {@code socketsPerAddress} sockets bound to the same port
 * with {@code SO_REUSEPORT}, each read by its own platform thread ({@link SocketWorker}). The kernel
 * spreads clients over the sockets by address hash; no two threads share anything but the
 * read-only serving state. Replies leave from the address the socket is bound to, so each local
 * address gets sockets of its own.
 */
public final class FfmUdpTransport implements UdpTransport {
    private static final Logger log = LoggerFactory.getLogger(FfmUdpTransport.class);

    /** Datagrams per recvmmsg/sendmmsg call. */
    static final int BATCH = 64;
    /** Receive slot per datagram; a larger query is cut and then fails to parse (FORMERR). */
    static final int MAX_QUERY = 4096;
    /** How long a blocked receive waits before it looks at the stop flag again. */
    private static final int RECEIVE_TIMEOUT_MILLIS = 250;

    private final int socketsPerAddress;
    private final Supplier<QueryProcessor> processors;
    private final List<Bound> bound = new ArrayList<>();

    private record Socket(int fd, SocketWorker worker, Thread thread) {}

    private record Bound(InetSocketAddress address, List<Socket> sockets) {}

    private FfmUdpTransport(int socketsPerAddress, Supplier<QueryProcessor> processors) {
        this.socketsPerAddress = socketsPerAddress;
        this.processors = processors;
    }

    /**
     * @throws IOException when this platform cannot run the transport (not Linux x86_64, or native
     *     access is not enabled)
     */
    public static FfmUdpTransport open(int socketsPerAddress, Supplier<QueryProcessor> processors) throws IOException {
        if (socketsPerAddress < 1) {
            throw new IllegalArgumentException("sockets per address must be at least 1, got " + socketsPerAddress);
        }
        String unsupported = LinuxSockets.unsupportedReason();
        if (unsupported != null) {
            throw new IOException("the FFM UDP transport " + unsupported + "; use the netty transport");
        }
        try {
            Class.forName(LinuxSockets.class.getName(), true, FfmUdpTransport.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError | IllegalCallerException e) {
            throw new IOException("the FFM UDP transport cannot bind libc's socket calls (" + e
                    + "); run java with --enable-native-access=ALL-UNNAMED or use the netty transport", e);
        }
        return new FfmUdpTransport(socketsPerAddress, processors);
    }

    @Override
    public synchronized InetSocketAddress bind(InetSocketAddress address) throws IOException {
        List<Socket> sockets = new ArrayList<>(socketsPerAddress);
        InetSocketAddress target = address;
        try {
            for (int i = 0; i < socketsPerAddress; i++) {
                int fd;
                try {
                    fd = LinuxSockets.openBound(target, SocketBuffers.REQUESTED_BYTES, RECEIVE_TIMEOUT_MILLIS);
                } catch (IOException e) {
                    BindException failure = new BindException(e.getMessage());
                    failure.initCause(e);
                    throw failure;
                }
                // The first socket of a port-0 address learns the port; the rest join it.
                target = LinuxSockets.localAddress(fd);
                SocketWorker worker = new SocketWorker(fd, processors.get(), BATCH, MAX_QUERY);
                Thread thread = Thread.ofPlatform().daemon().name("dns-udp-" + target.getPort() + "-" + i).unstarted(worker);
                sockets.add(new Socket(fd, worker, thread));
            }
        } catch (IOException | RuntimeException e) {
            stopAll(sockets);
            throw e;
        }
        for (Socket s : sockets) {
            s.thread().start();
        }
        int fd = sockets.getFirst().fd();
        SocketBuffers.reportGranted(log, target, LinuxSockets.receiveBufferSize(fd), LinuxSockets.sendBufferSize(fd));
        bound.add(new Bound(target, List.copyOf(sockets)));
        return target;
    }

    @Override
    public synchronized List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>(bound.size());
        for (Bound b : bound) {
            addresses.add(b.address());
        }
        return List.copyOf(addresses);
    }

    @Override
    public synchronized String description() {
        return "FFM recvmmsg/sendmmsg, " + socketsPerAddress
                + (socketsPerAddress == 1 ? " socket" : " SO_REUSEPORT sockets")
                + " per address with one platform thread each, up to " + BATCH + " datagrams per call";
    }

    @Override
    public synchronized void close() {
        for (Bound b : bound) {
            stopAll(b.sockets());
        }
        if (!bound.isEmpty()) {
            logTotals();
        }
        bound.clear();
    }

    /**
     * What the sockets did over their life, the figures that show the design works: datagrams per
     * recvmmsg (batching), sendmmsg calls, and heap bytes the serving loops allocated once warm
     * (after each socket's first million datagrams, when the JIT has compiled the query path): 0.
     */
    private void logTotals() {
        long datagrams = 0;
        long receiveCalls = 0;
        long sendCalls = 0;
        long sendFailures = 0;
        long warmDatagrams = 0;
        long warmAllocated = 0;
        for (Bound b : bound) {
            for (Socket s : b.sockets()) {
                SocketWorker w = s.worker();
                datagrams += w.datagrams();
                receiveCalls += w.receiveCalls();
                sendCalls += w.sendCalls();
                sendFailures += w.sendFailures();
                if (w.allocatedWarmBytes() >= 0) {
                    warmDatagrams += w.datagrams() - SocketWorker.WARM_UP_DATAGRAMS;
                    warmAllocated += w.allocatedWarmBytes();
                }
            }
        }
        log.info("UDP totals: {} datagrams in {} recvmmsg calls ({} per call), {} sendmmsg calls, {} replies not sent",
                datagrams, receiveCalls, String.format("%.1f", receiveCalls == 0 ? 0.0 : (double) datagrams / receiveCalls),
                sendCalls, sendFailures);
        if (warmDatagrams > 0) {
            log.info("UDP allocation once warm: {} bytes over {} datagrams", warmAllocated, warmDatagrams);
        }
    }

    /** Wakes every thread, waits for it, then closes its socket, so the port is free on return. */
    private static void stopAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            s.worker().stop();
        }
        for (Socket s : sockets) {
            if (s.thread().isAlive()) {
                try {
                    s.thread().join(2 * RECEIVE_TIMEOUT_MILLIS + 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            LinuxSockets.close(s.fd());
        }
    }
}
