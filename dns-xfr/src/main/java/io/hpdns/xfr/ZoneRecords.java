package io.hpdns.xfr;

import io.hpdns.zone.Node;
import io.hpdns.zone.RRset;
import io.hpdns.zone.Zone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The records of an immutable {@link Zone} as dnsjava {@link Record}s, for a zone transfer: the
 * apex SOA on its own and every other record once, walked node by node without changing anything.
 * Cold path: it allocates a record object per record, one node at a time.
 */
public final class ZoneRecords {

    private ZoneRecords() {}

    /** The zone's SOA record, which opens and closes a transfer (RFC 5936 §2.2) and goes in a NOTIFY. */
    public static Record soa(Zone zone) {
        return records(zone.origin(), zone.soa()).getFirst();
    }

    /** Receives the records of one node at a time. */
    interface Sink {
        void accept(List<Record> records) throws IOException;
    }

    /** Hands every record except the apex SOA to {@code sink}, one node at a time. */
    static void walk(Zone zone, Sink sink) throws IOException {
        for (Node node : zone.nodes()) {
            if (node.isEmptyNonTerminal()) {
                continue;
            }
            Name owner = new Name(node.owner());
            List<Record> records = new ArrayList<>();
            for (RRset rrset : node.rrsets()) {
                if (node == zone.apex() && rrset.type() == Type.SOA) {
                    continue;
                }
                records.addAll(records(owner, rrset));
            }
            sink.accept(records);
        }
    }

    /** The records of one RRset: its rdata array holds each record as a 16-bit length and the rdata. */
    private static List<Record> records(Name owner, RRset rrset) {
        List<Record> records = new ArrayList<>(rrset.size());
        byte[] data = rrset.data();
        int at = 0;
        for (int i = 0; i < rrset.size(); i++) {
            int length = RRset.rdataLength(data, at);
            byte[] rdata = java.util.Arrays.copyOfRange(data, at + 2, at + 2 + length);
            records.add(Record.newRecord(owner, rrset.type(), DClass.IN, rrset.ttl(), length, rdata));
            at += 2 + length;
        }
        return records;
    }
}
