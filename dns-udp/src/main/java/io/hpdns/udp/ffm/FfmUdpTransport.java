package io.hpdns.udp.ffm;

import io.hpdns.query.QueryHandler;
import io.hpdns.udp.SocketBuffers;
import io.hpdns.udp.UdpTransport;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
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
 *
 * <p>Closing loses no query: each socket is first connected to a peer that never sends, which
 * makes the kernel deliver new datagrams to the other sockets of its SO_REUSEPORT group (another
 * process's, during a rolling restart) instead; its thread then answers what is still queued and
 * only then is the socket closed.
 */
public final class FfmUdpTransport implements UdpTransport {
    private static final Logger log = LoggerFactory.getLogger(FfmUdpTransport.class);

    /** Datagrams per recvmmsg/sendmmsg call. */
    static final int BATCH = 64;
    /** Receive slot per datagram; a larger query is cut and then fails to parse (FORMERR). */
    static final int MAX_QUERY = 4096;
    /** How long a blocked receive waits before it looks at the stop flag again. */
    private static final int RECEIVE_TIMEOUT_MILLIS = 250;
    /**
     * The peers a closing socket is connected to, so it takes no new datagrams: the discard port
     * (RFC 863) of the loopback address, which never sends to anyone.
     */
    private static final InetSocketAddress SILENT_PEER_V4 = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 9);
    private static final InetSocketAddress SILENT_PEER_V6 = new InetSocketAddress(InetAddress.ofLiteral("::1"), 9);
    /**
     * The kernel may have picked a socket for a datagram just before the connect and queue it just
     * after; that takes microseconds (one softirq), so after this pause the queue only shrinks.
     */
    private static final long SETTLE_MILLIS = 20;

    private final int socketsPerAddress;
    private final Supplier<? extends QueryHandler> processors;
    private final List<Bound> bound = new ArrayList<>();
    /** What the sockets of addresses already unbound did, for the totals logged at close. */
    private final Totals retired = new Totals();

    private record Socket(int fd, InetSocketAddress address, SocketWorker worker, Thread thread) {}

    private record Bound(InetSocketAddress address, List<Socket> sockets) {}

    private FfmUdpTransport(int socketsPerAddress, Supplier<? extends QueryHandler> processors) {
        this.socketsPerAddress = socketsPerAddress;
        this.processors = processors;
    }

    /**
     * @throws IOException when this platform cannot run the transport (not Linux x86_64, or native
     *     access is not enabled)
     */
    public static FfmUdpTransport open(int socketsPerAddress, Supplier<? extends QueryHandler> processors) throws IOException {
        if (socketsPerAddress < 1) {
            throw new IllegalArgumentException("sockets per address must be at least 1, got " + socketsPerAddress);
        }
        link();
        return new FfmUdpTransport(socketsPerAddress, processors);
    }

    /**
     * Links libc's socket calls, once per JVM: some 0.15 s of a worker's start, which it spends
     * ahead of {@link #open} on a thread of its own while it maps its zones.
     *
     * @throws IOException when this platform cannot run the transport (not Linux x86_64, or native
     *     access is not enabled)
     */
    public static void link() throws IOException {
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
                Thread thread = Thread.ofPlatform().daemon().name(threadName(target, i)).unstarted(worker);
                sockets.add(new Socket(fd, target, worker, thread));
            }
        } catch (IOException | RuntimeException e) {
            for (Socket s : sockets) {
                LinuxSockets.close(s.fd());
            }
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

    /** {@code dns-udp-192.0.2.1:53-0}: which address and which of its sockets a thread serves. */
    private static String threadName(InetSocketAddress address, int socket) {
        String host = address.getAddress().getHostAddress();
        int scope = host.indexOf('%');
        host = scope < 0 ? host : host.substring(0, scope);
        return "dns-udp-" + (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host)
                + ":" + address.getPort() + "-" + socket;
    }

    @Override
    public synchronized boolean unbind(InetSocketAddress address) {
        for (int i = 0; i < bound.size(); i++) {
            Bound b = bound.get(i);
            if (b.address().equals(address)) {
                bound.remove(i);
                stop(b.sockets());
                retired.add(b.sockets());
                return true;
            }
        }
        return false;
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
    public synchronized String fault() {
        for (Bound b : bound) {
            for (Socket s : b.sockets()) {
                if (!s.thread().isAlive()) {
                    return "UDP thread " + s.thread().getName() + " for " + b.address() + " ended";
                }
            }
        }
        return null;
    }

    @Override
    public synchronized String description() {
        return "FFM recvmmsg/sendmmsg, " + socketsPerAddress
                + (socketsPerAddress == 1 ? " socket" : " SO_REUSEPORT sockets")
                + " per address with one platform thread each, up to " + BATCH + " datagrams per call";
    }

    @Override
    public synchronized void close() {
        List<Socket> sockets = new ArrayList<>();
        for (Bound b : bound) {
            sockets.addAll(b.sockets());
        }
        stop(sockets);
        Totals totals = new Totals();
        totals.add(retired);
        totals.add(sockets);
        if (!sockets.isEmpty() || retired.receiveCalls > 0) {
            totals.report();
        }
        bound.clear();
    }

    /**
     * Stops the sockets without losing a query: connects each one to a silent peer so the kernel
     * gives new datagrams to the rest of its SO_REUSEPORT group, lets datagrams already on their
     * way land, has each thread answer what is queued, then closes the sockets, so the port is
     * free on return.
     */
    private static void stop(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                LinuxSockets.connect(s.fd(), s.address().getAddress() instanceof Inet6Address ? SILENT_PEER_V6 : SILENT_PEER_V4);
            } catch (IOException e) {
                // It keeps receiving while it drains, at most for the drain's time limit.
                log.debug("UDP socket {}: cannot stop new datagrams before closing ({})", s.address(), e.getMessage());
            }
        }
        if (!sockets.isEmpty()) {
            pause(SETTLE_MILLIS);
        }
        for (Socket s : sockets) {
            s.worker().stop();
        }
        for (Socket s : sockets) {
            if (s.thread().isAlive()) {
                try {
                    s.thread().join(2 * RECEIVE_TIMEOUT_MILLIS + 2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            LinuxSockets.close(s.fd());
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What sockets did over their life, the figures that show the design works: datagrams per
     * recvmmsg (batching), sendmmsg calls, and heap bytes the serving loops allocated once warm
     * (after each socket's first million datagrams, when the JIT has compiled the query path): 0.
     */
    private static final class Totals {
        long datagrams;
        long receiveCalls;
        long sendCalls;
        long sendFailures;
        long warmDatagrams;
        long warmAllocated;

        void add(List<Socket> sockets) {
            for (Socket s : sockets) {
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

        void add(Totals other) {
            datagrams += other.datagrams;
            receiveCalls += other.receiveCalls;
            sendCalls += other.sendCalls;
            sendFailures += other.sendFailures;
            warmDatagrams += other.warmDatagrams;
            warmAllocated += other.warmAllocated;
        }

        void report() {
            log.info("UDP totals: {} datagrams in {} recvmmsg calls ({} per call), {} sendmmsg calls, {} replies not sent",
                    datagrams, receiveCalls,
                    String.format("%.1f", receiveCalls == 0 ? 0.0 : (double) datagrams / receiveCalls),
                    sendCalls, sendFailures);
            if (warmDatagrams > 0) {
                log.info("UDP allocation once warm: {} bytes over {} datagrams", warmAllocated, warmDatagrams);
            }
        }
    }
}
