package io.hpdns.query;

import static io.hpdns.wire.DnsConstants.*;

import io.hpdns.stats.QueryCounters;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.ServingStateHolder;
import java.util.Arrays;

/**
 * Runs the query path over the zones a worker serves. The lookup reads a zone's compiled layout
 * through {@code MemorySegment} accesses, which cost many times more until the JIT compiler has
 * compiled them; a worker joining the shared ports with its query path cold would answer its share
 * of the traffic slowly at first, and its socket buffers could overflow under load, so a worker
 * runs this before it binds its sockets, unless it is the first of a start with no other worker to
 * answer meanwhile: that one binds first and warms up while it serves. Each name of the zones, up
 * to {@link #QUERIES} queries in all, is asked for an address (the precompiled path, or NODATA),
 * and a name below it that does not exist (NXDOMAIN, a wildcard or a referral): the paths real
 * traffic takes. Counted nowhere.
 */
public final class QueryPathWarmup {
    /** Enough for the hot methods to reach the optimizing compiler (some ten thousand calls each). */
    static final int QUERIES = 20_000;
    /** The label of the names asked below each owner: one no zone file is likely to hold. */
    private static final byte[] BELOW = {'-', 'w', 'a', 'r', 'm', 'u', 'p', '-'};

    private QueryPathWarmup() {}

    /**
     * Asks the warm-up queries of {@code zones} with {@code settings}; returns how many were
     * answered NOERROR, NXDOMAIN or (below a DNAME, RFC 6672 §2.2) YXDOMAIN, as every one of them
     * should be.
     */
    public static int run(ServingStateHolder zones, AnswerSettings settings) {
        QueryProcessor processor = new QueryProcessor(zones, settings, QueryCounters.unregistered(), true);
        Exchange exchange = new Exchange(Exchange.MAX_MESSAGE);
        byte[] owner = new byte[MAX_NAME_LENGTH];
        int asked = 0;
        int answered = 0;
        for (CompiledZone zone : zones.get().zones()) {
            for (long node = zone.firstNode(); node < zone.nodesEnd() && asked < QUERIES;
                    node = zone.nextNode(node)) {
                int length = zone.copyOwner(node, owner, 0);
                for (boolean below : new boolean[] {false, true}) {
                    int rcode = ask(processor, exchange, owner, length, below);
                    asked++;
                    if (rcode == RCODE_NOERROR || rcode == RCODE_NXDOMAIN || rcode == RCODE_YXDOMAIN) {
                        answered++;
                    }
                }
            }
        }
        processor.retire();
        return answered;
    }

    /** One query of type A for the owner, or for a name just below it; returns the response's RCODE. */
    private static int ask(QueryProcessor processor, Exchange exchange, byte[] owner, int length, boolean below) {
        byte[] query = exchange.request();
        Arrays.fill(query, 0, HEADER_SIZE, (byte) 0);
        query[5] = 1; // QDCOUNT
        int p = HEADER_SIZE;
        if (below) {
            query[p++] = (byte) BELOW.length;
            System.arraycopy(BELOW, 0, query, p, BELOW.length);
            p += BELOW.length;
        }
        if (p + length + 4 > query.length || p - HEADER_SIZE + length > MAX_NAME_LENGTH) {
            return RCODE_NOERROR; // a name at the length limit has nothing below it to ask
        }
        System.arraycopy(owner, 0, query, p, length);
        p += length;
        query[p++] = 0;
        query[p++] = (byte) TYPE_A;
        query[p++] = 0;
        query[p++] = CLASS_IN;
        exchange.received(p, Protocol.UDP, 0);
        int responseLength = processor.answer(exchange);
        return responseLength < HEADER_SIZE ? -1 : exchange.response()[3] & 0x0F;
    }
}
