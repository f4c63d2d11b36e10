package io.hpdns.zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One RRset while its zone file is read: records appended in wire form to one growing array,
 * duplicates collapsed, the TTL normalised to the first record's. Keeps only what the checks and
 * error messages need, never the parsed {@link Record} objects.
 */
final class PendingRRset {
    final int type;
    final long ttl;
    final String file;
    final int firstLine;
    /** Line of the second distinct record, for "more than one SOA/CNAME/DNAME" errors; 0 if none. */
    int secondLine;
    private int size;
    /** Sized exactly for one record at first: most RRsets have one. */
    private byte[] data;
    private int used;
    /**
     * Canonical rdata of each record (RFC 4034 §6.2), to tell duplicates: the first one, then a
     * list only for RRsets of several records.
     */
    private byte[] firstCanonical;
    private List<byte[]> moreCanonical;

    PendingRRset(int type, long ttl, String file, int line) {
        this.type = type;
        this.ttl = ttl;
        this.file = file;
        this.firstLine = line;
    }

    /** Adds a record of this RRset; reports a duplicate or a differing TTL as a warning. */
    void add(Record rec, String recFile, int line, List<ZoneProblem> problems) {
        byte[] canon = rec.rdataToWireCanonical();
        if (isDuplicate(canon)) {
            problems.add(warning(recFile, line, "duplicate record ignored: " + rec));
            return;
        }
        // RFC 4034 §3: RRSIGs at one name cover RRsets of different TTLs, so theirs may differ.
        if (rec.getTTL() != ttl && type != Type.RRSIG) {
            problems.add(warning(recFile, line, "TTL " + rec.getTTL() + " differs from the TTL " + ttl + " of the "
                    + Type.string(type) + " RRset at " + rec.getName() + "; using " + ttl + " (RFC 2181 §5.2)"));
        }
        if (size == 0) {
            firstCanonical = canon;
        } else {
            if (moreCanonical == null) {
                moreCanonical = new ArrayList<>(2);
                secondLine = line;
            }
            moreCanonical.add(canon);
        }
        append(rdataWire(rec));
        size++;
    }

    private boolean isDuplicate(byte[] canon) {
        if (size == 0) {
            return false;
        }
        if (Arrays.equals(firstCanonical, canon)) {
            return true;
        }
        if (moreCanonical != null) {
            for (byte[] seen : moreCanonical) {
                if (Arrays.equals(seen, canon)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void append(byte[] rdata) {
        int need = used + 2 + rdata.length;
        if (data == null) {
            data = new byte[need];
        } else if (need > data.length) {
            data = Arrays.copyOf(data, Math.max(need, data.length * 2));
        }
        data[used] = (byte) (rdata.length >>> 8);
        data[used + 1] = (byte) rdata.length;
        System.arraycopy(rdata, 0, data, used + 2, rdata.length);
        used = need;
    }

    int size() {
        return size;
    }

    /** The rdata of record {@code i} (cold path: checks only). */
    byte[] rdata(int i) {
        int p = 0;
        for (int k = 0; k < i; k++) {
            p += 2 + RRset.rdataLength(data, p);
        }
        return Arrays.copyOfRange(data, p + 2, p + 2 + RRset.rdataLength(data, p));
    }

    RRset build() {
        return new RRset(type, ttl, size, data.length == used ? data : Arrays.copyOf(data, used));
    }

    ZoneProblem error(int line, String message) {
        return new ZoneProblem(ZoneProblem.Severity.ERROR, file, line, message);
    }

    static ZoneProblem warning(String file, int line, String message) {
        return new ZoneProblem(ZoneProblem.Severity.WARNING, file, line, message);
    }

    /** Uncompressed rdata with the zone file's letter case (rdataToWireCanonical would lowercase names). */
    private static byte[] rdataWire(Record rec) {
        byte[] rr = rec.toWire(Section.ANSWER);
        int start = rec.getName().length() + 10;
        return Arrays.copyOfRange(rr, start, rr.length);
    }
}
