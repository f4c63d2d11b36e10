package io.hpdns.query;

import io.hpdns.zone.ServingStateHolder;

/**
 * Answers one DNS query message with one response message, wire format to wire format. One
 * instance per I/O thread: it owns scratch state and is not thread-safe. It never throws.
 */
public final class QueryProcessor {

    /** A response buffer of this size fits any answer, UDP or TCP. */
    public static final int MAX_RESPONSE = 65535;

    private final ServingStateHolder zones;
    private final AnswerSettings settings;

    public QueryProcessor(ServingStateHolder zones, AnswerSettings settings) {
        this.zones = zones;
        this.settings = settings;
    }

    /**
     * @param query the query message, {@code query[0..queryLength)}
     * @param response where the response is written from index 0; at least {@link #MAX_RESPONSE} long
     * @return the response length, or -1 when the query must be dropped (too short to answer, or a
     *     response itself)
     */
    public int process(byte[] query, int queryLength, byte[] response, Protocol protocol) {
        return -1;
    }
}
