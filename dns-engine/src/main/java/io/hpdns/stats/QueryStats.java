package io.hpdns.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * Every answering thread's {@link QueryCounters}, summed on request. Registration, retirement and
 * reading take a lock; counting never does.
 */
public final class QueryStats {

    private final List<QueryCounters> live = new ArrayList<>();
    /** What retired counters (closed TCP connections) had counted. */
    private final long[] retired = new long[QueryCounters.SIZE];

    /** New counters for one thread or connection, included in every {@link #snapshot} from now on. */
    public synchronized QueryCounters newCounters() {
        QueryCounters counters = new QueryCounters(this);
        live.add(counters);
        return counters;
    }

    synchronized void retire(QueryCounters counters) {
        // Identity, not equals: each thread's counters are a distinct object.
        for (int i = 0; i < live.size(); i++) {
            if (live.get(i) == counters) {
                live.remove(i);
                counters.addTo(retired);
                return;
            }
        }
    }

    /** The sum of every counter so far. */
    public synchronized QueryStatsSnapshot snapshot() {
        long[] sum = retired.clone();
        for (QueryCounters counters : live) {
            counters.addTo(sum);
        }
        return new QueryStatsSnapshot(sum);
    }
}
