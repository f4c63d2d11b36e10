package io.hpdns.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * DNS over UDP (RFC 1035 §4.2.1): receives query datagrams on bound sockets, answers each one with
 * a {@link io.hpdns.query.QueryProcessor} owned by the receiving thread, and sends the response
 * back to the sender. Implementations differ in how they move datagrams between the kernel and the
 * processors (netty native epoll, or recvmmsg/sendmmsg directly through the FFM API).
 */
public interface UdpTransport extends AutoCloseable {

    /**
     * Binds the sockets for one listen address and starts answering on them.
     *
     * @param address the local address and port; port 0 lets the kernel choose one free port, shared
     *     by all of this address's sockets
     * @return the bound address, with the chosen port
     * @throws IOException when a socket cannot be bound, with the system's reason as its message
     *     (e.g. {@code Permission denied}, as the JDK's own {@link java.net.BindException} words
     *     it); the caller knows the protocol and address to name. Sockets bound by this call are
     *     closed again; earlier calls are unaffected.
     */
    InetSocketAddress bind(InetSocketAddress address) throws IOException;

    /**
     * Stops answering on one bound address and closes its sockets, without losing a query: the
     * sockets stop taking new datagrams first (the kernel gives those to the other sockets of the
     * port's SO_REUSEPORT group, if any), then every datagram still queued is answered, then they
     * close. The address and port are free again when this returns.
     *
     * @param address an address as {@link #bind} returned it
     * @return false when that address is not bound (nothing changes)
     */
    boolean unbind(InetSocketAddress address);

    /** Every address bound now, in bind order. */
    List<InetSocketAddress> boundAddresses();

    /**
     * What stopped serving although nobody closed or unbound it (a socket's thread that ended on
     * an error), for the log; null while everything bound serves.
     */
    String fault();

    /**
     * One line for the start-up log: which transport this is and which capabilities it found, e.g.
     * {@code netty native epoll, 2 SO_REUSEPORT sockets per address, recvmmsg yes, sendmmsg yes}.
     */
    String description();

    /**
     * Stops answering and closes every socket, without losing a query already queued to one (as
     * {@link #unbind}); the ports are free again when this returns.
     */
    @Override
    void close();
}
