package io.hpdns.stats;

import io.hpdns.query.Protocol;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The query counters of one answering thread (or one TCP connection): only that thread writes
 * them, so counting is a plain increment without a lock or an atomic read-modify-write, and
 * {@link QueryStats} sums every thread's counters when asked. Writes and reads are "opaque"
 * (VarHandle): on x86_64 they compile to plain moves, and they guarantee a reader on another thread
 * never sees a torn 64-bit value.
 */
public final class QueryCounters {

    /** Query types 0..255 each have a counter; larger ones (CAA is 257) share one. */
    public static final int QTYPE_SLOTS = 256;

    static final int PROTOCOLS = 0;
    static final int QTYPES = PROTOCOLS + Protocol.values().length;
    /** Queries whose question could not be read (FORMERR and the like). */
    static final int QTYPE_OTHER = QTYPES + QTYPE_SLOTS;
    static final int QTYPE_NONE = QTYPE_OTHER + 1;
    static final int RCODES = QTYPE_NONE + 1;
    static final int TRUNCATED = RCODES + 16;
    static final int DROPPED = TRUNCATED + 1;
    static final int SIZE = DROPPED + 1;

    /**
     * Counters of different threads sit in different arrays; the padding keeps two arrays that the
     * allocator placed side by side from sharing a cache line at their ends.
     */
    private static final int PAD = 8;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counts = new long[PAD + SIZE + PAD];
    private final QueryStats owner;

    QueryCounters(QueryStats owner) {
        this.owner = owner;
    }

    /** Counters that no {@link QueryStats} reads: for a processor nobody asks statistics of. */
    public static QueryCounters unregistered() {
        return new QueryCounters(null);
    }

    /**
     * Counts one query and the response written for it.
     *
     * @param qtype the question's type, or -1 when there was no readable question
     * @param response the response message; its header gives the RCODE (RFC 1035 §4.1.1, the 4-bit
     *     field; extended RCODEs of RFC 6891 §6.1.3 are counted under their low 4 bits) and TC
     */
    public void answered(Protocol protocol, int qtype, byte[] response) {
        increment(PROTOCOLS + protocol.ordinal());
        increment(qtype < 0 ? QTYPE_NONE : qtype < QTYPE_SLOTS ? QTYPES + qtype : QTYPE_OTHER);
        increment(RCODES + (response[3] & 0x0f));
        if ((response[2] & 0x02) != 0) {
            increment(TRUNCATED);
        }
    }

    /** Counts one query that got no response (too short to answer, or itself a response). */
    public void dropped(Protocol protocol) {
        increment(PROTOCOLS + protocol.ordinal());
        increment(DROPPED);
    }

    /**
     * Folds these counts into the totals of the {@link QueryStats} they came from and stops it from
     * reading them, when the thread or connection that wrote them is done.
     */
    public void retire() {
        if (owner != null) {
            owner.retire(this);
        }
    }

    private void increment(int slot) {
        int i = PAD + slot;
        SLOT.setOpaque(counts, i, (long) SLOT.getOpaque(counts, i) + 1);
    }

    /** Adds every counter into {@code sum}, indexed as the constants of this class. */
    void addTo(long[] sum) {
        for (int i = 0; i < SIZE; i++) {
            sum[i] += (long) SLOT.getOpaque(counts, PAD + i);
        }
    }
}
