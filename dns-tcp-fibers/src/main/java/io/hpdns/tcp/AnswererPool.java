package io.hpdns.tcp;

import io.hpdns.query.QueryProcessor;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * The {@link TcpAnswerer}s of one server, lent to connections while they answer. A lock-free array
 * of slots: borrowing takes an answerer out of a slot with one compare-and-set, returning puts it
 * into an empty one; neither allocates once the pool has warmed up.
 *
 * <p>Why not a {@code ThreadLocal}: on a virtual thread it is per virtual thread, that is per
 * connection, which is the cost this pool removes; and a per-carrier-thread value is unsafe, because
 * a virtual thread can be unmounted while it still holds the answerer (blocked writing to a slow
 * client) and another virtual thread mounted on the same carrier would then answer into the same
 * buffers. A pool ties an answerer to the connection for exactly as long as it uses it, on whatever
 * carrier it runs.
 *
 * <p>When every slot is empty (more connections answering at once than slots, e.g. many blocked
 * writing), a new answerer is made; on return it goes into an empty slot or, with none, to the
 * garbage collector, so the pool keeps at most {@code slots} answerers.
 */
final class AnswererPool {

    private final Supplier<QueryProcessor> processors;
    private final int keepaliveUnits;
    private final boolean transfers;
    private final AtomicReferenceArray<TcpAnswerer> slots;
    private final int mask;

    /**
     * @param keepaliveUnits the idle timeout in 100 ms units, for RFC 7828 keepalive answers
     * @param transfers whether AXFR/IXFR go to a transfer responder ({@link QueryProcessor#TRANSFER})
     */
    AnswererPool(Supplier<QueryProcessor> processors, int keepaliveUnits, boolean transfers) {
        this.processors = processors;
        this.keepaliveUnits = keepaliveUnits;
        this.transfers = transfers;
        // Enough for every carrier thread to answer while a few times as many connections block writing.
        int size = Integer.highestOneBit(Math.max(16, Runtime.getRuntime().availableProcessors() * 8) - 1) << 1;
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
    }

    TcpAnswerer borrow() {
        int first = (int) Thread.currentThread().threadId() & mask;
        for (int i = 0; i <= mask; i++) {
            int slot = (first + i) & mask;
            TcpAnswerer answerer = slots.get(slot);
            if (answerer != null && slots.compareAndSet(slot, answerer, null)) {
                return answerer;
            }
        }
        QueryProcessor processor = processors.get();
        processor.tcpKeepalive(keepaliveUnits);
        processor.handOffTransfers(transfers);
        return new TcpAnswerer(processor);
    }

    void release(TcpAnswerer answerer) {
        int first = (int) Thread.currentThread().threadId() & mask;
        for (int i = 0; i <= mask; i++) {
            int slot = (first + i) & mask;
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, answerer)) {
                return;
            }
        }
        // No room: the answerer goes to the garbage collector, its query counts into the totals.
        answerer.processor.retire();
    }

    /** Answerers waiting in the pool, for tests and the memory report. */
    int pooled() {
        int count = 0;
        for (int i = 0; i <= mask; i++) {
            if (slots.get(i) != null) {
                count++;
            }
        }
        return count;
    }
}
