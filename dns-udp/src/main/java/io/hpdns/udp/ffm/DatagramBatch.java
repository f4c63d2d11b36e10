package io.hpdns.udp.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.hpdns.query.Exchange;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A preallocated, off-heap {@code struct mmsghdr[]} for recvmmsg/sendmmsg (x86_64 layout): per
 * datagram one header, one iovec pointing at its own payload slot, and room for the peer's
 * sockaddr. Built once per thread; the hot loop only reads and writes lengths and copies bytes.
 */
final class DatagramBatch {
    private static final ValueLayout.OfShort JAVA_SHORT_BIG_ENDIAN =
            JAVA_SHORT.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    // struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; }, 64 bytes on x86_64.
    private static final int MMSGHDR_SIZE = 64;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_FLAGS = 48;
    private static final int MSG_LEN = 56;
    // struct iovec { void *iov_base; size_t iov_len; }
    private static final int IOVEC_SIZE = 16;
    private static final int IOV_LEN = 8;

    private final int capacity;
    private final int slotSize;
    private final MemorySegment headers;
    private final MemorySegment iovecs;
    private final MemorySegment names;
    private final MemorySegment payloads;
    /** The vector from each datagram on, made once: resuming a partial sendmmsg allocates nothing. */
    private final MemorySegment[] headersFrom;

    DatagramBatch(Arena arena, int capacity, int slotSize) {
        this.capacity = capacity;
        this.slotSize = slotSize;
        headers = arena.allocate((long) MMSGHDR_SIZE * capacity, 8);
        iovecs = arena.allocate((long) IOVEC_SIZE * capacity, 8);
        names = arena.allocate((long) LinuxSockets.SOCKADDR_SIZE * capacity, 8);
        payloads = arena.allocate((long) slotSize * capacity, 64);
        headersFrom = new MemorySegment[capacity];
        for (int i = 0; i < capacity; i++) {
            long h = (long) i * MMSGHDR_SIZE;
            headers.set(ADDRESS, h + MSG_NAME, names.asSlice((long) i * LinuxSockets.SOCKADDR_SIZE));
            headers.set(JAVA_INT, h + MSG_NAMELEN, LinuxSockets.SOCKADDR_SIZE);
            headers.set(ADDRESS, h + MSG_IOV, iovecs.asSlice((long) i * IOVEC_SIZE));
            headers.set(JAVA_LONG, h + MSG_IOVLEN, 1);
            iovecs.set(ADDRESS, (long) i * IOVEC_SIZE, payloads.asSlice((long) i * slotSize));
            iovecs.set(JAVA_LONG, (long) i * IOVEC_SIZE + IOV_LEN, slotSize);
            headersFrom[i] = headers.asSlice(h);
        }
    }

    int capacity() {
        return capacity;
    }

    /** The vector to hand to recvmmsg/sendmmsg. */
    MemorySegment headers() {
        return headers;
    }

    /** Headers from datagram {@code first} on, for resuming a partial sendmmsg. */
    MemorySegment headersFrom(int first) {
        return headersFrom[first];
    }

    /** Bytes the kernel received into datagram {@code i}'s slot. */
    int receivedLength(int i) {
        return headers.get(JAVA_INT, (long) i * MMSGHDR_SIZE + MSG_LEN);
    }

    /**
     * Whether entry {@code i} holds a datagram: after shutdown(2) a blocked recvmmsg returns one
     * entry of length 0 with no sender (end of stream), which is no datagram and gets no answer.
     */
    boolean hasSender(int i) {
        return headers.get(JAVA_INT, (long) i * MMSGHDR_SIZE + MSG_NAMELEN) != 0;
    }

    /** Re-arms datagram {@code i} for the next receive: the kernel overwrote its name length. */
    void rearm(int i) {
        long h = (long) i * MMSGHDR_SIZE;
        headers.set(JAVA_INT, h + MSG_NAMELEN, LinuxSockets.SOCKADDR_SIZE);
        headers.set(JAVA_INT, h + MSG_FLAGS, 0);
    }

    /** Copies datagram {@code i}'s payload into {@code to}. */
    void copyPayload(int i, byte[] to, int length) {
        MemorySegment.copy(payloads, JAVA_BYTE, (long) i * slotSize, to, 0, length);
    }

    /**
     * Copies datagram {@code i}'s sender into the exchange: from a {@code sockaddr_in} (family, port
     * and address at offsets 0, 2 and 4) or a {@code sockaddr_in6} (address at offset 8), the port
     * and address in network order.
     */
    void copySender(int i, Exchange exchange) {
        long name = (long) i * LinuxSockets.SOCKADDR_SIZE;
        int family = names.get(JAVA_SHORT, name);
        int port = Short.toUnsignedInt(names.get(JAVA_SHORT_BIG_ENDIAN, name + 2));
        if (family == LinuxSockets.AF_INET6) {
            MemorySegment.copy(names, JAVA_BYTE, name + 8, exchange.clientAddress(), 0, 16);
            exchange.client(16, port);
        } else {
            MemorySegment.copy(names, JAVA_BYTE, name + 4, exchange.clientAddress(), 0, 4);
            exchange.client(4, port);
        }
    }

    /**
     * Fills datagram {@code i} for sending: payload from {@code from[0..length)}, destination the
     * peer of datagram {@code peer} of {@code received}.
     */
    void prepareReply(int i, byte[] from, int length, DatagramBatch received, int peer) {
        if (length > slotSize) {
            // The handler broke its maxUdpResponse(): never send the next slot's bytes with it.
            throw new IllegalStateException("a " + length + "-octet reply for a " + slotSize + "-octet slot");
        }
        long h = (long) i * MMSGHDR_SIZE;
        MemorySegment.copy(from, 0, payloads, JAVA_BYTE, (long) i * slotSize, length);
        iovecs.set(JAVA_LONG, (long) i * IOVEC_SIZE + IOV_LEN, length);
        long peerHeader = (long) peer * MMSGHDR_SIZE;
        int nameLength = received.headers.get(JAVA_INT, peerHeader + MSG_NAMELEN);
        MemorySegment.copy(received.names, (long) peer * LinuxSockets.SOCKADDR_SIZE,
                names, (long) i * LinuxSockets.SOCKADDR_SIZE, LinuxSockets.SOCKADDR_SIZE);
        headers.set(JAVA_INT, h + MSG_NAMELEN, nameLength);
    }
}
