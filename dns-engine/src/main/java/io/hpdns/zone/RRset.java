package io.hpdns.zone;

import java.util.Arrays;

/**
 * The records of one owner, class IN and type (RFC 2181 §5), or the RRSIGs of one owner that cover
 * one type (RFC 4034 §3): one TTL, and every record's rdata
 * pre-encoded in uncompressed wire format in one array, each prefixed by its 16-bit length (the
 * RDLENGTH it will be written with). One object and one array per RRset, none per record, so a
 * large zone stays small and answering only copies bytes.
 *
 * <p>Gathered record by record while its zone file is read ({@link ZoneBuilder}), duplicates
 * collapsed, then sealed with its zone: one object from the first record on, so reading a large
 * zone writes each RRset once, not once gathering and again building (in a compiler, whose heap
 * is fresh memory, every octet allocated is a page the process touches for the first time).
 * Where it was read is kept for the checks' messages.
 */
public final class RRset {
    private final int type;
    /** For RRSIG, the type its signatures cover; else 0. */
    private final int covered;
    /** The TTL, an unsigned 32-bit field (RFC 2181 §8). */
    private final int ttl;
    private int size;
    /** The records; while it is read, with room for more after {@link #used} octets. */
    private byte[] data;
    private int used;
    /**
     * The records in canonical form (RFC 4034 §6.2: names in the rdata lowercased), which tells
     * duplicates apart, while it is read; null while every record's canonical form is the one in
     * {@link #data}, as it always is for types without names in their rdata and for names written
     * in lowercase, and once sealed.
     */
    private byte[] canonical;
    private int canonicalUsed;
    private final String file;
    private final int firstLine;
    /** Line of the second distinct record, for "more than one SOA/CNAME/DNAME" errors; 0 if none. */
    private int secondLine;

    /**
     * An RRset with no record yet, read from {@code file} from {@code line} on; {@code covered} as
     * {@link #covered()}.
     */
    RRset(int type, int covered, long ttl, String file, int line) {
        this.type = type;
        this.covered = covered;
        this.ttl = (int) ttl;
        this.file = file;
        this.firstLine = line;
    }

    /**
     * Adds a record, as the scanner hands it over: its rdata at {@code buf[0..end)} and its
     * canonical form at {@code buf[end..canonicalEnd)}, each with its 16-bit length.
     *
     * @return false when the RRset held the record already, and it was left out
     */
    boolean add(byte[] buf, int end, int canonicalEnd, int line) {
        if (isDuplicate(buf, end, canonicalEnd)) {
            return false;
        }
        if (size == 1) {
            secondLine = line;
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

    /** Whether the canonical record at {@code buf[from..to)} is one this RRset already holds. */
    private boolean isDuplicate(byte[] buf, int from, int to) {
        byte[] seen = canonical != null ? canonical : data;
        int seenUsed = canonical != null ? canonicalUsed : used;
        for (int p = 0; p < seenUsed; p += 2 + rdataLength(seen, p)) {
            if (Arrays.equals(seen, p, p + 2 + rdataLength(seen, p), buf, from, to)) {
                return true;
            }
        }
        return false;
    }

    /** {@code to[0..used)} followed by {@code from[off..off+len)}: {@code to} itself when it has room. */
    private static byte[] append(byte[] to, int used, byte[] from, int off, int len) {
        int need = used + len;
        if (to == null) {
            // Sized exactly for one record at first: most RRsets have one, and keep this array.
            to = new byte[len];
        } else if (need > to.length) {
            to = Arrays.copyOf(to, Math.max(need, to.length * 2));
        }
        System.arraycopy(from, off, to, used, len);
        return to;
    }

    /** Done reading: the records exactly, the canonical copy dropped. */
    void seal() {
        if (data == null) {
            data = new byte[0];
        } else if (data.length != used) {
            data = Arrays.copyOf(data, used);
        }
        canonical = null;
    }

    /** The file the RRset was first read from (checks' messages). */
    String file() { return file; }

    /** The line of its first record (checks' messages). */
    int firstLine() { return firstLine; }

    /** The line of its second distinct record, 0 if none (checks' messages). */
    int secondLine() { return secondLine; }

    /** The rdata of record {@code i} (cold path: checks only). */
    byte[] rdata(int i) {
        int p = 0;
        for (int k = 0; k < i; k++) {
            p += 2 + rdataLength(data, p);
        }
        return Arrays.copyOfRange(data, p + 2, p + 2 + rdataLength(data, p));
    }

    public int type() { return type; }

    /**
     * For RRSIG, the type its signatures cover: a zone holds one RRSIG RRset per covered type, with
     * its own TTL (RFC 4034 §3: the signatures of an RRset have that RRset's TTL); 0 for any other type.
     */
    public int covered() { return covered; }

    /** The type covered by the RRSIG record whose length prefix is at {@code prefixAt}; 0 when its rdata is shorter. */
    public static int coveredBy(byte[] data, int prefixAt) {
        return rdataLength(data, prefixAt) < 2 ? 0 : ((data[prefixAt + 2] & 0xff) << 8) | (data[prefixAt + 3] & 0xff);
    }

    /**
     * The order of a node's RRsets: by type, and RRSIG RRsets by the type they cover. Distinct for
     * every RRset of a node.
     */
    public static long order(int type, int covered) {
        return (long) type << 16 | covered;
    }

    public long ttl() { return ttl & 0xffffffffL; }

    /** Number of records. */
    public int size() { return size; }

    /**
     * The records: {@code size()} times a 16-bit length followed by that many octets of rdata.
     * Callers must not modify it.
     */
    public byte[] data() { return data; }

    /** Offset in {@link #data()} of the first record's rdata (after its length). */
    public static final int FIRST_RDATA = 2;

    /** Length of the rdata whose length prefix is at {@code prefixAt}. */
    public static int rdataLength(byte[] data, int prefixAt) {
        return ((data[prefixAt] & 0xff) << 8) | (data[prefixAt + 1] & 0xff);
    }
}
