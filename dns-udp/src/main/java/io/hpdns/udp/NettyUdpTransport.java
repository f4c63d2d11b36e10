package io.hpdns.udp;

import io.hpdns.log.ThrottledWarning;
import io.hpdns.query.QueryHandler;
import io.hpdns.udp.ffm.PathMtuDiscovery;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDatagramChannelConfig;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.Native;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP through netty's native epoll transport. For each listen address it binds {@code
 * socketsPerAddress} datagram sockets to the same port with {@code SO_REUSEPORT}, each served by
 * its own event loop thread, so the kernel spreads clients over the threads by their address hash
 * and no two threads ever share a socket, a processor or a buffer.
 *
 * <p>Netty reads with {@code recvmmsg} when the channel has a maximum datagram payload size and a
 * receive buffer holding several datagrams of that size, and writes with {@code sendmmsg} when
 * several datagrams are flushed at once; {@link UdpQueryHandler} flushes once per read batch.
 *
 * <p>Closing loses no query: a {@link DrainFence} makes each socket stop taking new datagrams and
 * answer what is queued before it closes.
 */
public final class NettyUdpTransport implements UdpTransport {

    private static final Logger log = LoggerFactory.getLogger(NettyUdpTransport.class);

    /**
     * Receive slot per datagram. Real queries are a few hundred bytes (a name of at most 255, an
     * OPT record, maybe a cookie or a TSIG record); a larger datagram is cut to this size by the
     * kernel and then fails to parse like any other malformed query.
     */
    static final int MAX_DATAGRAM = 4096;

    /** Datagrams received by one {@code recvmmsg} call. */
    static final int DATAGRAMS_PER_CALL = 32;

    /**
     * Datagrams read per wake-up before the replies are flushed and other sockets get a turn: a few
     * {@code recvmmsg} calls' worth, so a busy socket is drained without starving the flush.
     */
    static final int DATAGRAMS_PER_WAKEUP = 4 * DATAGRAMS_PER_CALL;


    /**
     * Replies waiting for the kernel beyond this are dropped ({@link UdpQueryHandler}): far above a
     * batch's worth of responses, far below what would hurt the heap.
     */
    private static final WriteBufferWaterMark PENDING_REPLIES = new WriteBufferWaterMark(512 << 10, 1 << 20);

    private final int socketsPerAddress;
    private final Supplier<? extends QueryHandler> processors;
    private final ThrottledWarning faults =
            new ThrottledWarning(log, "UDP query not answered", Duration.ofSeconds(10));
    private final List<BoundSockets> bound = new ArrayList<>();

    /** The sockets and threads serving one listen address. */
    private record BoundSockets(InetSocketAddress address, MultiThreadIoEventLoopGroup loops, List<Channel> channels) {}

    private NettyUdpTransport(int socketsPerAddress, Supplier<? extends QueryHandler> processors) {
        this.socketsPerAddress = socketsPerAddress;
        this.processors = processors;
    }

    /**
     * @param socketsPerAddress reuseport sockets, and threads, per listen address
     * @param processors makes the {@link QueryHandler} of each socket's thread
     * @throws IOException when netty's native epoll library cannot be loaded on this system
     */
    public static NettyUdpTransport open(int socketsPerAddress, Supplier<? extends QueryHandler> processors) throws IOException {
        if (socketsPerAddress < 1) {
            throw new IllegalArgumentException("sockets per address must be at least 1, got " + socketsPerAddress);
        }
        if (!Epoll.isAvailable()) {
            Throwable cause = Epoll.unavailabilityCause();
            throw new IOException("netty native epoll is not available on this system (" + cause
                    + "); it needs Linux on x86_64 and the netty-transport-native-epoll library", cause);
        }
        return new NettyUdpTransport(socketsPerAddress, processors);
    }

    @Override
    public synchronized InetSocketAddress bind(InetSocketAddress address) throws IOException {
        MultiThreadIoEventLoopGroup loops = new MultiThreadIoEventLoopGroup(
                socketsPerAddress, new DefaultThreadFactory("dns-udp", true), EpollIoHandler.newFactory());
        List<Channel> channels = new ArrayList<>(socketsPerAddress);
        InetSocketAddress target = address;
        try {
            for (EventExecutor loop : loops) {
                Channel channel = bindOne((EventLoop) loop, target);
                channels.add(channel);
                // The first socket of a port-0 address learns the port; the rest join it.
                target = (InetSocketAddress) channel.localAddress();
            }
        } catch (IOException | RuntimeException e) {
            closeAll(List.of(new BoundSockets(address, loops, channels)));
            throw e;
        }
        EpollDatagramChannelConfig config = (EpollDatagramChannelConfig) channels.getFirst().config();
        SocketBuffers.reportGranted(log, target, config.getReceiveBufferSize(), config.getSendBufferSize());
        bound.add(new BoundSockets(target, loops, List.copyOf(channels)));
        return target;
    }

    private Channel bindOne(EventLoop loop, InetSocketAddress address) throws IOException {
        SocketProtocolFamily family =
                address.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        ChannelFuture bind = new Bootstrap()
                .group(loop)
                .channelFactory(() -> new EpollDatagramChannel(family))
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .option(ChannelOption.SO_RCVBUF, SocketBuffers.REQUESTED_BYTES)
                .option(ChannelOption.SO_SNDBUF, SocketBuffers.REQUESTED_BYTES)
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
                .option(ChannelOption.RECVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(DATAGRAMS_PER_CALL * MAX_DATAGRAM)
                                .maxMessagesPerRead(DATAGRAMS_PER_WAKEUP))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, PENDING_REPLIES)
                .handler(new UdpQueryHandler(processors.get(), faults))
                .bind(address)
                .awaitUninterruptibly();
        if (!bind.isSuccess()) {
            throw bindFailure(bind.cause());
        }
        EpollDatagramChannel channel = (EpollDatagramChannel) bind.channel();
        try {
            PathMtuDiscovery.omit(channel.fd().intValue(), family == SocketProtocolFamily.INET6);
        } catch (IOException e) {
            channel.close().awaitUninterruptibly();
            throw e;
        }
        return channel;
    }

    /** Netty words bind errors as {@code bind(..) failed: REASON}; keep the reason, as the JDK does. */
    private static IOException bindFailure(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        int colon = message.lastIndexOf(": ");
        BindException failure = new BindException(colon >= 0 ? message.substring(colon + 2) : message);
        failure.initCause(cause);
        return failure;
    }

    @Override
    public synchronized boolean unbind(InetSocketAddress address) {
        for (int i = 0; i < bound.size(); i++) {
            BoundSockets sockets = bound.get(i);
            if (sockets.address().equals(address)) {
                bound.remove(i);
                stop(List.of(sockets));
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>(bound.size());
        for (BoundSockets sockets : bound) {
            addresses.add(sockets.address());
        }
        return List.copyOf(addresses);
    }

    @Override
    public synchronized String fault() {
        for (BoundSockets sockets : bound) {
            for (Channel channel : sockets.channels()) {
                if (!channel.isActive()) {
                    return "UDP socket for " + sockets.address() + " closed";
                }
            }
        }
        return null;
    }

    @Override
    public synchronized String description() {
        StringBuilder text = new StringBuilder("netty native epoll, ")
                .append(socketsPerAddress)
                .append(socketsPerAddress == 1 ? " socket" : " SO_REUSEPORT sockets")
                .append(" per address with one thread each, recvmmsg ")
                .append(recvmmsgSupport())
                .append(" (up to ")
                .append(DATAGRAMS_PER_CALL)
                .append(" datagrams of at most ")
                .append(MAX_DATAGRAM)
                .append(" B per call), sendmmsg ")
                .append(Native.IS_SUPPORTING_SENDMMSG ? "yes" : "no");
        if (!bound.isEmpty()) {
            EpollDatagramChannelConfig config =
                    (EpollDatagramChannelConfig) bound.getFirst().channels().getFirst().config();
            text.append(", SO_RCVBUF ")
                    .append(config.getReceiveBufferSize() / 2 >> 10)
                    .append(" KiB, SO_SNDBUF ")
                    .append(config.getSendBufferSize() / 2 >> 10)
                    .append(" KiB");
        }
        return text.toString();
    }

    /** Netty keeps its recvmmsg probe package-private; read it when the class path allows. */
    private static String recvmmsgSupport() {
        try {
            Field probe = Native.class.getDeclaredField("IS_SUPPORTING_RECVMMSG");
            probe.setAccessible(true);
            return probe.getBoolean(null) ? "yes" : "no";
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "unknown";
        }
    }

    @Override
    public synchronized void close() {
        stop(bound);
        bound.clear();
    }

    /** Drains the sockets' queues, then closes them. */
    private static void stop(List<BoundSockets> sockets) {
        List<Channel> channels = new ArrayList<>();
        for (BoundSockets each : sockets) {
            channels.addAll(each.channels());
        }
        DrainFence.drain(channels);
        closeAll(sockets);
    }

    /** Closes the sockets first, so their ports are free on return, then stops the threads. */
    private static void closeAll(List<BoundSockets> sockets) {
        for (BoundSockets each : sockets) {
            for (Channel channel : each.channels()) {
                channel.close().awaitUninterruptibly();
            }
        }
        List<Future<?>> stopped = new ArrayList<>(sockets.size());
        for (BoundSockets each : sockets) {
            stopped.add(each.loops().shutdownGracefully(0, 100, TimeUnit.MILLISECONDS));
        }
        for (Future<?> stop : stopped) {
            stop.awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
    }
}
