package io.hpdns.xfr;

import io.hpdns.zone.Zone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * One change of a zone from one version to the next, as an IXFR sends it (RFC 1995 §4): the old
 * SOA, the records deleted, the new SOA, the records added. The apex SOA is never in the lists:
 * the two SOAs stand for its change. Cold path: computed on the reloading thread.
 *
 * @param from the SOA of the older version
 * @param to the SOA of the newer version
 * @param deleted records of the older version that the newer one no longer has
 * @param added records of the newer version that the older one did not have
 */
public record ZoneDelta(SOARecord from, SOARecord to, List<Record> deleted, List<Record> added) {

    public ZoneDelta {
        deleted = List.copyOf(deleted);
        added = List.copyOf(added);
    }

    /**
     * The difference between two versions of a zone. Records are compared by owner, type, class,
     * rdata and TTL: a TTL change is a deletion of the old record and an addition of the new one,
     * as in RFC 1995 §4's model of a zone as a set of RRs.
     */
    public static ZoneDelta between(Zone older, Zone newer) {
        Set<Entry> before = entries(older);
        Set<Entry> after = entries(newer);
        List<Record> deleted = new ArrayList<>();
        for (Entry entry : before) {
            if (!after.contains(entry)) {
                deleted.add(entry.record());
            }
        }
        List<Record> added = new ArrayList<>();
        for (Entry entry : after) {
            if (!before.contains(entry)) {
                added.add(entry.record());
            }
        }
        return new ZoneDelta((SOARecord) ZoneRecords.soa(older), (SOARecord) ZoneRecords.soa(newer), deleted, added);
    }

    /** Whether the two versions hold the same records, SOA included (its TTL too). */
    public boolean unchanged() {
        return deleted.isEmpty() && added.isEmpty() && from.equals(to) && from.getTTL() == to.getTTL();
    }

    /** Records this change takes in an IXFR: both SOAs and the lists. */
    public int size() {
        return 2 + deleted.size() + added.size();
    }

    private static Set<Entry> entries(Zone zone) {
        Set<Entry> entries = new LinkedHashSet<>();
        try {
            ZoneRecords.walk(zone, records -> {
                for (Record record : records) {
                    entries.add(new Entry(record, record.getTTL()));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the sink above does no I/O
        }
        return entries;
    }

    /** dnsjava's {@link Record#equals} leaves the TTL out; an IXFR must carry TTL changes too. */
    private record Entry(Record record, long ttl) {}
}
