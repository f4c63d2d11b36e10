package io.hpdns.xfr;

import io.hpdns.zone.CompiledZone;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.xbill.DNS.Name;

/**
 * The journals of every served zone, kept across reloads and published RCU-style like the serving
 * state: the reloading thread builds a new immutable map beside the old one and publishes it with
 * one atomic store, so a transfer reads a journal whole or not at all. A transfer checks that the
 * journal ends at the serial of the zone it serves, so seeing the zone and its journal from two
 * different reloads only costs a full transfer, never a wrong one.
 */
public final class ZoneJournals {

    /** Changes kept per zone when not configured otherwise. */
    public static final int DEFAULT_DEPTH = 20;

    private final int depth;
    private final Predicate<Name> kept;
    private final AtomicReference<Map<Name, ZoneJournal>> journals = new AtomicReference<>(Map.of());

    /** @param depth changes kept per zone at most, the oldest dropped first */
    public ZoneJournals(int depth) {
        this(depth, zone -> true);
    }

    /**
     * @param depth changes kept per zone at most, the oldest dropped first
     * @param kept the zones to keep a journal for: computing a change walks both versions of the
     *     zone, which a zone nobody may transfer need not pay for
     */
    public ZoneJournals(int depth, Predicate<Name> kept) {
        ZoneJournal.empty(depth); // checks the depth
        this.depth = depth;
        this.kept = kept;
    }

    /** Journals for the zones {@code policy} lets someone transfer. */
    public static ZoneJournals forTransfers(TransferPolicy policy) {
        return new ZoneJournals(DEFAULT_DEPTH, zone -> policy.acls().containsKey(zone));
    }

    /** The journal of a zone; empty when none of its changes were seen. */
    public ZoneJournal journal(Name zone) {
        ZoneJournal journal = journals.getAcquire().get(zone);
        return journal == null ? ZoneJournal.empty(depth) : journal;
    }

    /**
     * Records a reload that replaces {@code older} with {@code newer}, before {@code newer} is
     * published. Only the reloading thread calls this. A newer serial (RFC 1982) appends the
     * change; the same serial with other records, or an older serial, means the history kept no
     * longer leads to the zone served, so the journal starts over and clients get the whole zone
     * until the next change.
     *
     * @param changedNames asked for only when the zone's journal is kept: the names at which the
     *     two versions may differ (lowercased wire names, when {@code newer} was patched from
     *     {@code older}: {@code ZoneChanges}), the others holding the same records, so that the
     *     difference is found at those alone ({@link ZoneDelta#between(CompiledZone, CompiledZone,
     *     List)}); null when any name may differ
     */
    public void replaced(CompiledZone older, CompiledZone newer, Supplier<List<byte[]>> changedNames) {
        if (!kept.test(newer.origin())) {
            return;
        }
        List<byte[]> names = changedNames.get();
        ZoneJournal journal = journal(newer.origin());
        ZoneJournal next;
        if (SerialNumber.newer(older.serial(), newer.serial())) {
            next = journal.appended(delta(older, newer, names));
        } else if (older.serial() == newer.serial() && delta(older, newer, names).unchanged()) {
            next = journal; // e.g. only comments changed in the file
        } else {
            next = ZoneJournal.empty(depth);
        }
        put(newer.origin(), next);
    }

    /** The difference, at {@code names} alone when they are known. */
    private static ZoneDelta delta(CompiledZone older, CompiledZone newer, List<byte[]> names) {
        return names == null ? ZoneDelta.between(older, newer) : ZoneDelta.between(older, newer, names);
    }

    /** Forgets a zone no longer served. */
    public void removed(Name zone) {
        if (journals.getPlain().containsKey(zone)) {
            Map<Name, ZoneJournal> next = new HashMap<>(journals.getPlain());
            next.remove(zone);
            journals.setRelease(Map.copyOf(next));
        }
    }

    private void put(Name zone, ZoneJournal journal) {
        Map<Name, ZoneJournal> next = new HashMap<>(journals.getPlain());
        next.put(zone, journal);
        journals.setRelease(Map.copyOf(next));
    }
}
