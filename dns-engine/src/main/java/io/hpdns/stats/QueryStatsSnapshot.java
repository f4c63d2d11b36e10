package io.hpdns.stats;

import io.hpdns.query.Protocol;

/** The query counters of every thread, summed at one moment. */
public final class QueryStatsSnapshot {

    private final long[] sum;

    QueryStatsSnapshot(long[] sum) {
        this.sum = sum;
    }

    /** Queries received over this protocol, answered or dropped. */
    public long queries(Protocol protocol) {
        return sum[QueryCounters.PROTOCOLS + protocol.ordinal()];
    }

    /** Answered queries of this type, 0 to 255. */
    public long qtype(int qtype) {
        return sum[QueryCounters.QTYPES + qtype];
    }

    /** Answered queries of a type above 255. */
    public long qtypeAbove255() {
        return sum[QueryCounters.QTYPE_OTHER];
    }

    /** Answered queries without a readable question. */
    public long withoutQuestion() {
        return sum[QueryCounters.QTYPE_NONE];
    }

    /** Responses with this header RCODE, 0 to 15. */
    public long rcode(int rcode) {
        return sum[QueryCounters.RCODES + rcode];
    }

    /** Responses sent with TC set. */
    public long truncated() {
        return sum[QueryCounters.TRUNCATED];
    }

    /** Queries that got no response. */
    public long dropped() {
        return sum[QueryCounters.DROPPED];
    }
}
