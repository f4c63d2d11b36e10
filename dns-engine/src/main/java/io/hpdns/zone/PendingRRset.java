package io.hpdns.zone;

import io.hpdns.wire.WireNames;
import io.hpdns.zonefile.ScannedRecord;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * One RRset while its zone file is read: records appended in wire form to one growing array,
 * duplicates collapsed, the TTL normalised to the first record's. Keeps only what the checks and
 * error messages need, never record objects.
 */
final class PendingRRset {
    final int type;
    /** For RRSIG, the type covered ({@link RRset#covered()}); else 0. */
    final int covered;
    final long ttl;
    final String file;
    final int firstLine;
    /** Line of the second distinct record, for "more than one SOA/CNAME/DNAME" errors; 0 if none. */
    int secondLine;
    private int size;
    /**
     * The records as {@link RRset} holds them: each a 16-bit length and the rdata. Sized exactly
     * for one record at first, since most RRsets have one, so it becomes the RRset's array as is.
     */
    private byte[] data;
    private int used;
    /**
     * The same records in canonical form (RFC 4034 §6.2: names in the rdata lowercased), which
     * tells duplicates apart; null while every record's canonical form is the one in {@code data},
     * as it always is for types without names in their rdata and for names written in lowercase.
     */
    private byte[] canonical;
    private int canonicalUsed;

    PendingRRset(int type, int covered, long ttl, String file, int line) {
        this.type = type;
        this.covered = covered;
        this.ttl = ttl;
        this.file = file;
        this.firstLine = line;
    }

    /**
     * Adds a record of this RRset, as the scanner hands it over: its rdata and canonical form, each
     * with its length. Reports a duplicate or a differing TTL as a warning.
     *
     * @return false when the RRset held the record already, and it was left out
     */
    boolean add(ScannedRecord rec, List<ZoneProblem> problems) {
        byte[] buf = rec.data();
        int end = rec.rdataEnd();
        int canonicalEnd = rec.canonicalEnd();
        if (isDuplicate(buf, end, canonicalEnd)) {
            problems.add(warning(rec.file(), rec.line(), "duplicate record ignored: " + text(rec)));
            return false;
        }
        if (rec.ttl() != ttl) {
            problems.add(warning(rec.file(), rec.line(), "TTL " + rec.ttl() + " differs from the TTL " + ttl
                    + " of the " + kind() + " RRset at " + WireNames.toString(rec.owner(), 0) + "; using "
                    + ttl + " (RFC 2181 §5.2)"));
        }
        if (size == 1) {
            secondLine = rec.line();
        }
        if (canonical == null && !Arrays.equals(buf, 0, end, buf, end, canonicalEnd)) {
            canonical = data == null ? new byte[0] : Arrays.copyOf(data, used);
            canonicalUsed = used;
        }
        data = append(data, used, buf, 0, end);
        used += end;
        if (canonical != null) {
            canonical = append(canonical, canonicalUsed, buf, end, canonicalEnd - end);
            canonicalUsed += canonicalEnd - end;
        }
        size++;
        return true;
    }

    /** "MX", or "RRSIG MX" for the signatures covering MX. */
    private String kind() {
        return type == Type.RRSIG ? "RRSIG " + Type.string(covered) : Type.string(type);
    }

    /** The record in presentation form, for a message (cold path: dnsjava formats it). */
    private static String text(ScannedRecord rec) {
        byte[] rdata = Arrays.copyOfRange(rec.data(), 2, rec.rdataEnd());
        try {
            return Record.newRecord(new Name(rec.owner()), rec.type(), rec.dclass(), rec.ttl(), rdata).toString();
        } catch (IOException | RuntimeException e) {
            return WireNames.toString(rec.owner(), 0) + " " + Type.string(rec.type());
        }
    }

    /** Whether the canonical record at {@code buf[from..to)} is one this RRset already holds. */
    private boolean isDuplicate(byte[] buf, int from, int to) {
        byte[] seen = canonical != null ? canonical : data;
        int seenUsed = canonical != null ? canonicalUsed : used;
        for (int p = 0; p < seenUsed; p += 2 + RRset.rdataLength(seen, p)) {
            if (Arrays.equals(seen, p, p + 2 + RRset.rdataLength(seen, p), buf, from, to)) {
                return true;
            }
        }
        return false;
    }

    /** {@code to[0..used)} followed by {@code from[off..off+len)}: {@code to} itself when it has room. */
    private static byte[] append(byte[] to, int used, byte[] from, int off, int len) {
        int need = used + len;
        if (to == null) {
            to = new byte[len];
        } else if (need > to.length) {
            to = Arrays.copyOf(to, Math.max(need, to.length * 2));
        }
        System.arraycopy(from, off, to, used, len);
        return to;
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
}
