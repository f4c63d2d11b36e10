package io.hpdns.xfr;

import io.hpdns.wire.DnsConstants;
import io.hpdns.wire.WireNames;
import io.hpdns.zone.Node;
import io.hpdns.zone.RRset;
import io.hpdns.zone.Zone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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
     * <p>Compared where the zones hold them, node by node and RRset by RRset in wire form: an
     * RRset with the same TTL and the same records octet for octet is unchanged, and only the
     * records of the others become dnsjava records, so a small change to a large zone costs a
     * walk over both and a few objects, not the whole zone as objects twice.
     */
    public static ZoneDelta between(Zone older, Zone newer) {
        byte[] key = new byte[DnsConstants.MAX_NAME_LENGTH];
        List<Record> deleted = new ArrayList<>();
        for (Node node : older.nodes()) {
            notIn(older, node, newer, key, deleted);
        }
        List<Record> added = new ArrayList<>();
        for (Node node : newer.nodes()) {
            notIn(newer, node, older, key, added);
        }
        return new ZoneDelta((SOARecord) ZoneRecords.soa(older), (SOARecord) ZoneRecords.soa(newer), deleted, added);
    }

    /**
     * Adds to {@code out} the records of {@code node} (of {@code zone}) that {@code other} does not
     * have at the same owner with the same TTL; the apex SOA is left out.
     */
    private static void notIn(Zone zone, Node node, Zone other, byte[] key, List<Record> out) {
        if (node.isEmptyNonTerminal()) {
            return;
        }
        int keyLength = WireNames.copyLower(node.owner(), 0, key, 0);
        Node counterpart = other.node(key, 0, keyLength);
        Name owner = null;
        for (RRset rrset : node.rrsets()) {
            if (rrset.type() == Type.SOA && node == zone.apex()) {
                continue;
            }
            RRset theirs = counterpart == null ? null : counterpart.rrset(rrset.type());
            boolean sameTtl = theirs != null && theirs.ttl() == rrset.ttl();
            if (sameTtl && Arrays.equals(theirs.data(), rrset.data())) {
                continue;
            }
            byte[] data = rrset.data();
            for (int at = 0, i = 0; i < rrset.size(); i++, at += 2 + RRset.rdataLength(data, at)) {
                int length = RRset.rdataLength(data, at);
                if (sameTtl && holds(theirs, data, at + 2, length)) {
                    continue;
                }
                if (owner == null) {
                    owner = ownerName(node);
                }
                out.add(Record.newRecord(owner, rrset.type(), DClass.IN, rrset.ttl(), length,
                        Arrays.copyOfRange(data, at + 2, at + 2 + length)));
            }
        }
    }

    /** Whether {@code rrset} has a record whose rdata is {@code data[from..from+length)}. */
    private static boolean holds(RRset rrset, byte[] data, int from, int length) {
        byte[] own = rrset.data();
        for (int at = 0, i = 0; i < rrset.size(); i++, at += 2 + RRset.rdataLength(own, at)) {
            if (RRset.rdataLength(own, at) == length
                    && Arrays.equals(own, at + 2, at + 2 + length, data, from, from + length)) {
                return true;
            }
        }
        return false;
    }

    private static Name ownerName(Node node) {
        try {
            return new Name(node.owner());
        } catch (IOException e) {
            // The zone holds only names it parsed and checked.
            throw new IllegalStateException("not a wire name: an owner of a loaded zone", e);
        }
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
