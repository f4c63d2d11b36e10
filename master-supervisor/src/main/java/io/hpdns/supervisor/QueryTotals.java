package io.hpdns.supervisor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Query counters summed over workers. Each worker lists every counter as {@code name: value},
 * zeros included and always in the same order (see {@code WorkerControl}), so the sum keeps that
 * order whichever workers saw which query types.
 */
final class QueryTotals {

    private final Map<String, Long> sums = new LinkedHashMap<>();

    /** Adds one worker's counter lines; a line that is not {@code name: number} is skipped. */
    synchronized void add(List<String> counterLines) {
        for (String line : counterLines) {
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                continue;
            }
            try {
                sums.merge(line.substring(0, colon), Long.parseLong(line.substring(colon + 2)), Long::sum);
            } catch (NumberFormatException e) {
                // not a counter
            }
        }
    }

    synchronized void addAll(QueryTotals other) {
        Map<String, Long> copy;
        synchronized (other) {
            copy = new LinkedHashMap<>(other.sums);
        }
        copy.forEach((name, value) -> sums.merge(name, value, Long::sum));
    }

    /**
     * The sums as {@code name: value} lines for {@code hpdns ctl stats}; the per-type and
     * per-RCODE counters only where not zero, as hundreds of zero lines would hide the rest.
     */
    synchronized List<String> lines() {
        List<String> lines = new ArrayList<>();
        sums.forEach((name, value) -> {
            if (value != 0 || !(name.startsWith("qtype.") || name.startsWith("rcode."))) {
                lines.add(name + ": " + value);
            }
        });
        return lines;
    }
}
