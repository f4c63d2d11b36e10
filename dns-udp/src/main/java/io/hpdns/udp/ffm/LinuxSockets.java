package io.hpdns.udp.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * The Linux (x86_64 glibc) socket calls the FFM transport makes, bound once through
 * {@link Linker}: socket, setsockopt, bind, connect, getsockname, recvmmsg, sendmmsg, shutdown, close. Every
 * call captures {@code errno} into a caller-owned segment so a failure can be named.
 */
final class LinuxSockets {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int SO_REUSEPORT = 15;
    private static final int SO_RCVTIMEO = 20;
    static final int IPPROTO_IP = 0;
    static final int IP_MTU_DISCOVER = 10;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_MTU_DISCOVER = 23;
    /** The same value for IP_PMTUDISC_OMIT and IPV6_PMTUDISC_OMIT (Linux 3.15, 3.16). */
    static final int PMTUDISC_OMIT = 5;
    private static final int SHUT_RD = 0;
    /** recvmmsg(2): block for the first datagram only, then take what is already queued. */
    static final int MSG_WAITFORONE = 0x10000;
    /** recvmmsg(2): take what is already queued, never block. */
    static final int MSG_DONTWAIT = 0x40;
    static final int EINTR = 4;
    static final int EAGAIN = 11;

    /** Room for a sockaddr_in6, the larger of the two address families. */
    static final int SOCKADDR_SIZE = 28;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = bind("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = bind("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = bind("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    // The two calls of the query path capture no call state: the JDK slices the capture segment on
    // every call, an allocation escape analysis does not always remove. errno is read afterwards,
    // and only when a call failed (errnoLocation).
    private static final MethodHandle RECVMMSG = LINKER.downcallHandle(LIBC.find("recvmmsg").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SENDMMSG = LINKER.downcallHandle(LIBC.find("sendmmsg").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle ERRNO_LOCATION = LINKER.downcallHandle(
            LIBC.find("__errno_location").orElseThrow(), FunctionDescriptor.of(ADDRESS.withTargetLayout(JAVA_INT)));
    private static final MethodHandle SHUTDOWN = bind("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LIBC.find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS.withTargetLayout(ValueLayout.JAVA_BYTE), JAVA_INT));

    private static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private LinuxSockets() {}

    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
    }

    /** Whether this platform has what the transport needs: Linux on x86_64 (the struct layouts below). */
    static String unsupportedReason() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux")) {
            return "needs Linux, this is " + os;
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return "its struct layouts are for x86_64, this is " + arch;
        }
        return null;
    }

    /** A segment to capture errno into; one per thread. */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /**
     * Opens a UDP socket with SO_REUSEPORT, the given buffer sizes and a receive timeout (so a
     * blocked receive notices a stop even if shutdown does not wake it), bound to {@code address}.
     */
    static int openBound(InetSocketAddress address, int bufferBytes, int receiveTimeoutMillis) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            int family = address.getAddress() instanceof Inet6Address ? AF_INET6 : AF_INET;
            int fd = (int) SOCKET.invokeExact(state, family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException(strerror(errno(state)));
            }
            try {
                setInt(arena, state, fd, SOL_SOCKET, SO_REUSEPORT, 1);
                setInt(arena, state, fd, SOL_SOCKET, SO_RCVBUF, bufferBytes);
                setInt(arena, state, fd, SOL_SOCKET, SO_SNDBUF, bufferBytes);
                omitPathMtuDiscovery(arena, state, fd, family);
                MemorySegment timeout = arena.allocate(16);
                timeout.set(JAVA_LONG, 0, receiveTimeoutMillis / 1000);
                timeout.set(JAVA_LONG, 8, (receiveTimeoutMillis % 1000) * 1000L);
                check(state, (int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16));
                MemorySegment sockaddr = arena.allocate(SOCKADDR_SIZE);
                int length = writeSockaddr(sockaddr, 0, address);
                check(state, (int) BIND.invokeExact(state, fd, sockaddr, length));
                return fd;
            } catch (IOException | RuntimeException e) {
                int ignored = (int) CLOSE.invokeExact(state, fd);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /**
     * As Knot DNS does: the socket ignores path MTU information, so a forged ICMP "fragmentation
     * needed" cannot make the kernel fragment its responses (the fragment-injection attacks RFC 9715
     * §1 recalls); a response larger than the interface MTU is still sent, fragmented. It also spares
     * the kernel the route's path MTU for every datagram sent.
     */
    private static void omitPathMtuDiscovery(Arena arena, MemorySegment state, int fd, int family) throws Throwable {
        if (family == AF_INET) {
            setInt(arena, state, fd, IPPROTO_IP, IP_MTU_DISCOVER, PMTUDISC_OMIT);
        } else {
            setInt(arena, state, fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, PMTUDISC_OMIT);
        }
    }

    /** {@link #omitPathMtuDiscovery} for a socket opened elsewhere (the netty transport's). */
    static void omitPathMtuDiscovery(int fd, boolean ipv6) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            omitPathMtuDiscovery(arena, callState(arena), fd, ipv6 ? AF_INET6 : AF_INET);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    private static void setInt(Arena arena, MemorySegment state, int fd, int level, int option, int value) throws Throwable {
        MemorySegment v = arena.allocate(JAVA_INT);
        v.set(JAVA_INT, 0, value);
        check(state, (int) SETSOCKOPT.invokeExact(state, fd, level, option, v, 4));
    }

    /** An int socket option as the kernel reports it. */
    static int getInt(int fd, int option) {
        return getInt(fd, SOL_SOCKET, option);
    }

    /** An int socket option of any level as the kernel reports it; -1 when it cannot be read. */
    static int getInt(int fd, int level, int option) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 4);
            int rc = (int) GETSOCKOPT.invokeExact(state, fd, level, option, v, len);
            return rc < 0 ? -1 : v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            return -1;
        }
    }

    static int receiveBufferSize(int fd) {
        return getInt(fd, SO_RCVBUF);
    }

    static int sendBufferSize(int fd) {
        return getInt(fd, SO_SNDBUF);
    }

    private static void check(MemorySegment state, int rc) throws IOException {
        if (rc < 0) {
            throw new IOException(strerror(errno(state)));
        }
    }

    static InetSocketAddress localAddress(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment sockaddr = arena.allocate(SOCKADDR_SIZE);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, SOCKADDR_SIZE);
            check(state, (int) GETSOCKNAME.invokeExact(state, fd, sockaddr, len));
            return readSockaddr(sockaddr, 0);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** recvmmsg(2); returns the count of datagrams, or -1 (then see {@link #errnoLocation}). */
    static int recvmmsg(int fd, MemorySegment vector, int count, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(fd, vector, count, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** sendmmsg(2); returns the count of datagrams sent, or -1 (then see {@link #errnoLocation}). */
    static int sendmmsg(int fd, MemorySegment vector, int count) {
        try {
            return (int) SENDMMSG.invokeExact(fd, vector, count, 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The calling thread's errno, to read after a failed call: {@code __errno_location} gives the
     * same address for the whole life of a thread, so a thread asks once and then reads errno
     * without a downcall, and without the segment object each downcall returns.
     */
    static MemorySegment errnoLocation() {
        try {
            return (MemorySegment) ERRNO_LOCATION.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("__errno_location failed", t);
        }
    }

    /**
     * connect(2) of a UDP socket: from now on the kernel delivers to it only datagrams from {@code
     * peer}. In a SO_REUSEPORT group the kernel skips connected sockets when it picks one by hash,
     * so the other sockets of the group get the datagrams this one no longer takes. Sending with an
     * explicit destination (sendmmsg with msg_name) still works on a connected UDP socket on Linux.
     *
     * @throws IOException with the system's reason, e.g. when no route leads to {@code peer}
     */
    static void connect(int fd, InetSocketAddress peer) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = callState(arena);
            MemorySegment sockaddr = arena.allocate(SOCKADDR_SIZE);
            int length = writeSockaddr(sockaddr, 0, peer);
            check(state, (int) CONNECT.invokeExact(state, fd, sockaddr, length));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /**
     * Wakes a thread blocked in recvmmsg on this socket (it then returns 0). Only the receive side
     * is shut: datagrams already queued stay readable, and replies can still be sent.
     */
    static void shutdownReceive(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) SHUTDOWN.invokeExact(callState(arena), fd, SHUT_RD);
        } catch (Throwable t) {
            // Nothing to do: the receive timeout ends the wait anyway.
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(callState(arena), fd);
        } catch (Throwable t) {
            // The descriptor is gone either way.
        }
    }

    /** Writes a sockaddr_in or sockaddr_in6 at {@code offset}; returns its length. */
    static int writeSockaddr(MemorySegment to, long offset, InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        to.asSlice(offset, SOCKADDR_SIZE).fill((byte) 0);
        if (ip instanceof Inet4Address) {
            to.set(JAVA_SHORT, offset, (short) AF_INET); // sa_family is in host byte order
            to.set(NET_SHORT, offset + 2, (short) address.getPort());
            MemorySegment.copy(ip.getAddress(), 0, to, ValueLayout.JAVA_BYTE, offset + 4, 4);
            return 16;
        }
        to.set(JAVA_SHORT, offset, (short) AF_INET6);
        to.set(NET_SHORT, offset + 2, (short) address.getPort());
        MemorySegment.copy(ip.getAddress(), 0, to, ValueLayout.JAVA_BYTE, offset + 8, 16);
        to.set(JAVA_INT, offset + 24, ((Inet6Address) ip).getScopeId());
        return SOCKADDR_SIZE;
    }

    static InetSocketAddress readSockaddr(MemorySegment from, long offset) throws UnknownHostException {
        int family = from.get(JAVA_SHORT, offset);
        int port = Short.toUnsignedInt(from.get(NET_SHORT, offset + 2));
        if (family == AF_INET) {
            byte[] ip = new byte[4];
            MemorySegment.copy(from, ValueLayout.JAVA_BYTE, offset + 4, ip, 0, 4);
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        }
        byte[] ip = new byte[16];
        MemorySegment.copy(from, ValueLayout.JAVA_BYTE, offset + 8, ip, 0, 16);
        return new InetSocketAddress(Inet6Address.getByAddress(null, ip, from.get(JAVA_INT, offset + 24)), port);
    }
}
