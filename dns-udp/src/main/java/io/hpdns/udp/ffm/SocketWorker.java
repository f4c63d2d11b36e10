package io.hpdns.udp.ffm;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.hpdns.log.ThrottledWarning;
import io.hpdns.query.Exchange;
import io.hpdns.query.Protocol;
import io.hpdns.query.QueryHandler;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one UDP socket on its own platform thread: one blocking {@code recvmmsg} takes every
 * datagram already queued (at least one), each is answered by this thread's {@link QueryHandler},
 * and one {@code sendmmsg} returns all replies of the batch. Nothing is allocated or locked per
 * datagram; the only syscalls are the two batched ones.
 */
final class SocketWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SocketWorker.class);
    /** A persistent receive error would otherwise log on every turn of the loop. */
    private static final ThrottledWarning RECEIVE_FAULTS =
            new ThrottledWarning(log, "recvmmsg failed", Duration.ofSeconds(10));
    /**
     * How long a drain may go on: a socket whose connect failed keeps getting datagrams, and under a
     * load it cannot keep up with its queue would never be empty.
     */
    private static final long MAX_DRAIN_NANOS = 1_000_000_000L;

    private final int fd;
    private final QueryHandler handler;
    private final int batchSize;
    private final int maxQuery;
    private volatile boolean stopping;

    private volatile long datagrams;
    private volatile long receiveCalls;
    private volatile long replies;
    private volatile long sendCalls;
    private volatile long sendFailures;
    /**
     * Datagrams answered before the JIT has compiled the query path: the code that runs meanwhile
     * (interpreter, C1) allocates where the final compiled code does not.
     */
    static final long WARM_UP_DATAGRAMS = 1_000_000;
    /** This thread's errno (read after a failed call), located once when the thread starts. */
    private MemorySegment errno;
    /** The thread's allocation counter once warm (-1 until then). */
    private long allocatedWhenWarm = -1;
    /** Heap bytes the serving loop allocated after warm-up until it was told to stop: should be 0. */
    private volatile long allocatedWarmBytes = -1;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    SocketWorker(int fd, QueryHandler handler, int batchSize, int maxQuery) {
        this.fd = fd;
        this.handler = handler;
        this.batchSize = batchSize;
        this.maxQuery = maxQuery;
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined()) {
            DatagramBatch in = new DatagramBatch(arena, batchSize, maxQuery);
            // Sized for the longest UDP response the handler writes (1232 octets by default), not
            // for 64 KiB: 64 slots of 64 KiB per socket were most of an idle worker's memory.
            DatagramBatch out = new DatagramBatch(arena, batchSize, handler.maxUdpResponse());
            Exchange exchange = new Exchange(maxQuery);
            errno = LinuxSockets.errnoLocation();
            serve(in, out, exchange);
        } catch (RuntimeException | Error e) {
            if (!stopping) {
                log.error("UDP socket thread stopped by an unexpected error; its socket no longer answers", e);
            }
        }
    }

    /**
     * Serves until {@link #stop}, then drains: by then the socket is connected to a peer that never
     * sends (see {@link FfmUdpTransport}), so its queue only shrinks, and every datagram still in
     * it is answered before the loop ends. Closing a socket with datagrams queued would drop them.
     */
    private void serve(DatagramBatch in, DatagramBatch out, Exchange exchange) {
        long drainDeadline = 0;
        while (true) {
            if (drainDeadline == 0 && stopping) {
                // Serving ends here; the drain and the close after it are not the steady state.
                if (allocatedWhenWarm >= 0) {
                    allocatedWarmBytes = THREADS.getCurrentThreadAllocatedBytes() - allocatedWhenWarm;
                }
                drainDeadline = System.nanoTime() + MAX_DRAIN_NANOS;
            }
            boolean draining = drainDeadline != 0;
            int received = LinuxSockets.recvmmsg(fd, in.headers(), batchSize,
                    draining ? LinuxSockets.MSG_DONTWAIT : LinuxSockets.MSG_WAITFORONE);
            // stop() wakes a blocked receive with an entry that is no datagram (answer skips it);
            // the next turn drains.
            if (received > 0) {
                answer(in, out, received, exchange);
                if (draining && System.nanoTime() - drainDeadline > 0) {
                    return; // still fed: the connect that stops new datagrams failed
                }
                continue;
            }
            int errno = received < 0 ? this.errno.get(JAVA_INT, 0) : 0;
            if (draining) {
                if (errno == LinuxSockets.EINTR) {
                    continue;
                }
                return; // EAGAIN: the queue is empty
            }
            if (received < 0) {
                receiveFailed(errno);
            }
        }
    }

    private void answer(DatagramBatch in, DatagramBatch out, int received, Exchange exchange) {
        int answers = 0;
        int datagramsIn = 0;
        long receivedNanos = System.nanoTime();
        for (int i = 0; i < received; i++) {
            if (!in.hasSender(i)) {
                in.rearm(i);
                continue;
            }
            datagramsIn++;
            int length = Math.min(in.receivedLength(i), maxQuery);
            in.copyPayload(i, exchange.request(), length);
            in.copySender(i, exchange);
            exchange.received(length, Protocol.UDP, receivedNanos);
            int responseLength = handler.answer(exchange);
            if (responseLength > 0) {
                out.prepareReply(answers++, exchange.response(), responseLength, in, i);
            }
            in.rearm(i);
        }
        if (datagramsIn == 0) {
            return;
        }
        send(out, answers);
        datagrams += datagramsIn;
        receiveCalls++;
        if (allocatedWhenWarm < 0 && datagrams >= WARM_UP_DATAGRAMS) {
            allocatedWhenWarm = THREADS.getCurrentThreadAllocatedBytes();
        }
    }

    private void send(DatagramBatch out, int count) {
        int sent = 0;
        while (sent < count) {
            MemorySegment from = out.headersFrom(sent);
            int n = LinuxSockets.sendmmsg(fd, from, count - sent);
            sendCalls++;
            if (n > 0) {
                sent += n;
                continue;
            }
            if (n < 0 && errno.get(JAVA_INT, 0) == LinuxSockets.EINTR) {
                continue;
            }
            // The first datagram failed (e.g. a peer the kernel will not route to): skip just it.
            sendFailures++;
            sent++;
        }
        replies += count;
    }

    private void receiveFailed(int errno) {
        if (errno == LinuxSockets.EAGAIN || errno == LinuxSockets.EINTR || stopping) {
            return; // the receive timeout: a chance to notice a stop
        }
        RECEIVE_FAULTS.occurred(LinuxSockets.strerror(errno), null);
    }

    /**
     * Ends the loop once the datagrams already queued are answered. Shutting the receive side wakes
     * a blocked recvmmsg; the queued datagrams stay readable and replies can still be sent.
     */
    void stop() {
        stopping = true;
        LinuxSockets.shutdownReceive(fd);
    }

    long datagrams() { return datagrams; }

    long receiveCalls() { return receiveCalls; }

    long replies() { return replies; }

    long sendCalls() { return sendCalls; }

    long sendFailures() { return sendFailures; }

    /** Bytes allocated after the first {@link #WARM_UP_DATAGRAMS}, or -1 if it never got that far. */
    long allocatedWarmBytes() { return allocatedWarmBytes; }
}
