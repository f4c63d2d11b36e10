package io.hpdns.xfr;

import io.hpdns.wire.DnsConstants;
import io.hpdns.zone.CompiledZone;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

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
     *
     * <p>Compared where the zones hold them, node by node and RRset by RRset in their layouts: an
     * RRset with the same TTL and the same records octet for octet is unchanged, and only the
     * records of the others become dnsjava records, so a small change to a large zone costs a
     * walk over both and a few objects, not the whole zone as objects twice.
     */
    public static ZoneDelta between(CompiledZone older, CompiledZone newer) {
        byte[] key = new byte[DnsConstants.MAX_NAME_LENGTH];
        List<Record> deleted = new ArrayList<>();
        for (long node = older.firstNode(); node < older.nodesEnd(); node = older.nextNode(node)) {
            notIn(older, node, newer, key, deleted);
        }
        List<Record> added = new ArrayList<>();
        for (long node = newer.firstNode(); node < newer.nodesEnd(); node = newer.nextNode(node)) {
            notIn(newer, node, older, key, added);
        }
        return new ZoneDelta((SOARecord) ZoneRecords.soa(older), (SOARecord) ZoneRecords.soa(newer), deleted, added);
    }

    /**
     * The same difference between two versions of a zone that hold the same records at every name
     * but {@code names} (lowercased, in wire format): an image patched from another and the names
     * the patch wrote ({@code ZoneChanges}), compared at those names alone.
     */
    public static ZoneDelta between(CompiledZone older, CompiledZone newer, List<byte[]> names) {
        byte[] key = new byte[DnsConstants.MAX_NAME_LENGTH];
        List<Record> deleted = new ArrayList<>();
        List<Record> added = new ArrayList<>();
        for (byte[] name : names) {
            long was = older.node(name, 0, name.length);
            if (was != CompiledZone.NONE) {
                notIn(older, was, newer, key, deleted);
            }
            long now = newer.node(name, 0, name.length);
            if (now != CompiledZone.NONE) {
                notIn(newer, now, older, key, added);
            }
        }
        return new ZoneDelta((SOARecord) ZoneRecords.soa(older), (SOARecord) ZoneRecords.soa(newer), deleted, added);
    }

    /**
     * Adds to {@code out} the records of {@code node} (of {@code zone}) that {@code other} does not
     * have at the same owner with the same TTL; the apex SOA is left out.
     */
    private static void notIn(CompiledZone zone, long node, CompiledZone other, byte[] key, List<Record> out) {
        if (zone.isEmptyNonTerminal(node)) {
            return;
        }
        int keyLength = zone.copyNameLower(zone.key(node), key, 0);
        long counterpart = other.node(key, 0, keyLength);
        Name owner = null;
        long rrset = zone.firstRRset(node);
        for (int r = zone.rrsetCount(node); r > 0; r--, rrset = zone.nextRRset(rrset)) {
            int type = zone.type(rrset);
            if (type == Type.SOA && node == zone.apex()) {
                continue;
            }
            long theirs = counterpart == CompiledZone.NONE ? CompiledZone.NONE
                    : other.rrset(counterpart, type, zone.covered(rrset));
            boolean sameTtl = theirs != CompiledZone.NONE && other.ttl(theirs) == zone.ttl(rrset);
            if (sameTtl && sameRecords(zone, rrset, other, theirs)) {
                continue;
            }
            long at = zone.records(rrset);
            for (int i = zone.size(rrset); i > 0; i--, at = zone.nextRecord(at)) {
                int length = zone.rdataLength(at);
                if (sameTtl && holds(other, theirs, zone.layout(), at + 2, length)) {
                    continue;
                }
                if (owner == null) {
                    owner = ZoneRecords.ownerName(zone, node);
                }
                out.add(Record.newRecord(owner, type, DClass.IN, zone.ttl(rrset), length, zone.rdata(at)));
            }
        }
    }

    private static boolean sameRecords(CompiledZone zone, long rrset, CompiledZone other, long theirs) {
        long length = zone.recordsLength(rrset);
        long mine = zone.records(rrset);
        long their = other.records(theirs);
        return other.recordsLength(theirs) == length
                && MemorySegment.mismatch(zone.layout(), mine, mine + length, other.layout(), their, their + length) < 0;
    }

    /** Whether {@code rrset} of {@code zone} has a record whose rdata is {@code data[from..from+length)}. */
    private static boolean holds(CompiledZone zone, long rrset, MemorySegment data, long from, int length) {
        long at = zone.records(rrset);
        for (int i = zone.size(rrset); i > 0; i--, at = zone.nextRecord(at)) {
            if (zone.rdataLength(at) == length
                    && MemorySegment.mismatch(zone.layout(), at + 2, at + 2 + length, data, from, from + length) < 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the two versions hold the same records, SOA included (its TTL too). */
    public boolean unchanged() {
        return deleted.isEmpty() && added.isEmpty() && from.equals(to) && from.getTTL() == to.getTTL();
    }

    /** Records this change takes in an IXFR: both SOAs and the lists. */
    public int size() {
        return 2 + deleted.size() + added.size();
    }
}
