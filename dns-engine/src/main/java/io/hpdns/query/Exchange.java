package io.hpdns.query;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One query and its response as a transport hands them to the engine, reused for every message a
 * thread (or a TCP answerer) carries: the request octets, the response buffer, the protocol, the
 * client's address and port, and when the request was received. The client address is kept as
 * octets, never as an {@link InetAddress}, so filling it allocates nothing; views, rate limiting
 * and cookies choose by it.
 */
public final class Exchange {
    /** The largest message either transport carries: a UDP payload, or a TCP length prefix's limit. */
    public static final int MAX_MESSAGE = 65535;

    private final byte[] request;
    private final byte[] response = new byte[QueryProcessor.MAX_RESPONSE];
    private final byte[] clientAddress = new byte[16];
    private int requestLength;
    private Protocol protocol = Protocol.UDP;
    private int clientAddressLength;
    private int clientPort;
    private long receivedNanos;

    /** @param maxRequest the longest request the transport hands over */
    public Exchange(int maxRequest) {
        this.request = new byte[maxRequest];
    }

    /** Where the transport puts the request's octets, from index 0. */
    public byte[] request() { return request; }

    public int requestLength() { return requestLength; }

    /** Where the engine writes the response, from index 0; it fits any response. */
    public byte[] response() { return response; }

    public Protocol protocol() { return protocol; }

    /**
     * The request is in {@link #request()}: {@code length} octets, over {@code protocol}, received
     * at {@code receivedNanos} ({@link System#nanoTime()}, taken once per batch of datagrams).
     */
    public void received(int length, Protocol protocol, long receivedNanos) {
        this.requestLength = length;
        this.protocol = protocol;
        this.receivedNanos = receivedNanos;
    }

    public long receivedNanos() { return receivedNanos; }

    /**
     * Where the transport writes the client's address in network order: 4 octets for IPv4, 16
     * for IPv6, then tells their number with {@link #client(int, int)}.
     */
    public byte[] clientAddress() { return clientAddress; }

    /** 4 (IPv4), 16 (IPv6), or 0 when there is no client (a query the server asks itself). */
    public int clientAddressLength() { return clientAddressLength; }

    public int clientPort() { return clientPort; }

    /** The client's address is in {@link #clientAddress()}: {@code addressLength} octets; its port. */
    public void client(int addressLength, int port) {
        if (addressLength != 0 && addressLength != 4 && addressLength != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 octets, not " + addressLength);
        }
        this.clientAddressLength = addressLength;
        this.clientPort = port;
    }

    /** The client as a socket address: cold path (once per TCP connection, or with netty's datagrams). */
    public void client(InetSocketAddress address) {
        byte[] octets = address.getAddress().getAddress();
        System.arraycopy(octets, 0, clientAddress, 0, octets.length);
        client(octets.length, address.getPort());
    }

    /** The client for a log line, {@code 192.0.2.1#53000}: cold path only (allocates). */
    public String describeClient() {
        if (clientAddressLength == 0) {
            return "(no client)";
        }
        try {
            byte[] octets = Arrays.copyOf(clientAddress, clientAddressLength);
            return InetAddress.getByAddress(octets).getHostAddress() + "#" + clientPort;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 octets are always an address
        }
    }
}
