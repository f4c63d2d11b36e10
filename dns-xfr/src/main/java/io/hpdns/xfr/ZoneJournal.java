package io.hpdns.xfr;

import java.util.ArrayList;
import java.util.List;

/**
 * The latest changes of one zone, oldest first, each taking the zone from the serial the previous
 * one ended at: what an IXFR (RFC 1995) is answered from. Immutable; a reload builds a new journal.
 * At most {@code depth} changes are kept, the oldest dropped first, so a client older than all of
 * them gets the whole zone instead.
 *
 * @param depth changes kept at most
 * @param deltas the changes, oldest first, contiguous
 */
public record ZoneJournal(int depth, List<ZoneDelta> deltas) {

    public ZoneJournal {
        if (depth < 1) {
            throw new IllegalArgumentException("a zone journal keeps at least one change, got " + depth);
        }
        deltas = List.copyOf(deltas);
    }

    public static ZoneJournal empty(int depth) {
        return new ZoneJournal(depth, List.of());
    }

    /** This journal with {@code delta} appended, the oldest changes dropped beyond the depth. */
    public ZoneJournal appended(ZoneDelta delta) {
        List<ZoneDelta> next = new ArrayList<>(deltas);
        if (!next.isEmpty() && next.getLast().to().getSerial() != delta.from().getSerial()) {
            // Not a continuation of the history kept: that history no longer leads to this zone.
            next.clear();
        }
        next.add(delta);
        while (next.size() > depth) {
            next.removeFirst();
        }
        return new ZoneJournal(depth, next);
    }

    /**
     * The changes that take a client at {@code serial} to {@code current}, oldest first; null when
     * this journal does not cover that path (serial unknown or dropped, or the journal is not for
     * the version served as {@code current}).
     */
    public List<ZoneDelta> since(long serial, long current) {
        if (deltas.isEmpty() || deltas.getLast().to().getSerial() != current) {
            return null;
        }
        for (int i = 0; i < deltas.size(); i++) {
            if (deltas.get(i).from().getSerial() == serial) {
                return deltas.subList(i, deltas.size());
            }
        }
        return null;
    }
}
