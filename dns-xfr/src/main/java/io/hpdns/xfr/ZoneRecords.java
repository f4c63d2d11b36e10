package io.hpdns.xfr;

import io.hpdns.zone.CompiledZone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The records of a {@link CompiledZone} as dnsjava {@link Record}s, for a zone transfer: the apex
 * SOA on its own and every other record once, walked node by node through the layout without
 * changing anything. Cold path: it allocates a record object per record, one node at a time.
 */
public final class ZoneRecords {

    private ZoneRecords() {}

    /** The zone's SOA record, which opens and closes a transfer (RFC 5936 §2.2) and goes in a NOTIFY. */
    public static Record soa(CompiledZone zone) {
        return records(zone, ownerName(zone, zone.apex()), zone.soa()).getFirst();
    }

    /** Receives the records of one node at a time. */
    interface Sink {
        void accept(List<Record> records) throws IOException;
    }

    /** Hands every record except the apex SOA to {@code sink}, one node at a time. */
    static void walk(CompiledZone zone, Sink sink) throws IOException {
        for (long node = zone.firstNode(); node < zone.nodesEnd(); node = zone.nextNode(node)) {
            if (zone.isEmptyNonTerminal(node)) {
                continue;
            }
            Name owner = ownerName(zone, node);
            List<Record> records = new ArrayList<>();
            long rrset = zone.firstRRset(node);
            for (int i = zone.rrsetCount(node); i > 0; i--, rrset = zone.nextRRset(rrset)) {
                if (node == zone.apex() && zone.type(rrset) == Type.SOA) {
                    continue;
                }
                records.addAll(records(zone, owner, rrset));
            }
            sink.accept(records);
        }
    }

    /** The node's owner name, as written in the zone file. */
    static Name ownerName(CompiledZone zone, long node) {
        try {
            return new Name(zone.ownerName(node));
        } catch (IOException e) {
            // The layout holds only names it was checked to hold.
            throw new IllegalStateException("not a wire name: an owner of a compiled zone", e);
        }
    }

    /** The records of one RRset. */
    private static List<Record> records(CompiledZone zone, Name owner, long rrset) {
        List<Record> records = new ArrayList<>(zone.size(rrset));
        long at = zone.records(rrset);
        for (int i = zone.size(rrset); i > 0; i--, at = zone.nextRecord(at)) {
            records.add(Record.newRecord(owner, zone.type(rrset), DClass.IN, zone.ttl(rrset), zone.rdataLength(at),
                    zone.rdata(at)));
        }
        return records;
    }
}
