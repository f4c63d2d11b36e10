package io.hpdns.lookup;

import io.hpdns.wire.DnsConstants;
import io.hpdns.zone.RRset;

/**
 * What the lookup decided to answer, before it is written: the rcode, the AA bit, and the RRsets
 * (or synthesized records) of each section with their owners. Preallocated and reused per query so
 * the lookup allocates nothing; the writer turns it into wire format within the size limit.
 */
public final class Answer {
    public static final int ANSWER = 0;
    public static final int AUTHORITY = 1;
    public static final int ADDITIONAL = 2;
    /** Entries per section before it grows; answers beyond it are rare (big referrals, ANY over TCP). */
    private static final int INITIAL_ENTRIES = 16;
    /** More RRsets than fit in any message (65535 octets / 11+ octets per record). */
    private static final int MAX_ENTRIES = 8192;

    /** One RRset (or one synthesized record) to write. */
    public static final class Entry {
        /** Owner name array; {@link #ownerOff} is -1 for "the question name". */
        public byte[] owner;
        public int ownerOff;
        public int type;
        public long ttl;
        /** The zone's RRset, or null for a synthesized record (a CNAME made from a DNAME). */
        public RRset rrset;
        public byte[] rdata;
        public int rdataOff;
        public int rdataLen;
        /** RFC 9471 §3: glue the referral cannot do without; if it doesn't fit, the response is truncated. */
        public boolean required;
    }

    private final Entry[][] entries = new Entry[3][INITIAL_ENTRIES];
    private final int[] counts = new int[3];
    private int rcode;
    private boolean authoritative;

    public Answer() {
        for (Entry[] section : entries) {
            for (int i = 0; i < section.length; i++) {
                section[i] = new Entry();
            }
        }
    }

    void reset() {
        counts[0] = counts[1] = counts[2] = 0;
        rcode = DnsConstants.RCODE_NOERROR;
        authoritative = true;
    }

    /** Adds a zone RRset; returns false when the section is full or it is already there. */
    boolean add(int section, byte[] owner, int ownerOff, RRset rrset, long ttl, boolean required) {
        if (contains(section, rrset) || !room(section)) {
            return false;
        }
        Entry e = entries[section][counts[section]++];
        e.owner = owner;
        e.ownerOff = ownerOff;
        e.type = rrset.type();
        e.ttl = ttl;
        e.rrset = rrset;
        e.rdata = null;
        e.required = required;
        return true;
    }

    /** Adds a synthesized record whose rdata is {@code rdata[off..off+len)}. */
    boolean addSynthesized(int section, byte[] owner, int ownerOff, int type, long ttl, byte[] rdata, int off, int len) {
        if (!room(section)) {
            return false;
        }
        Entry e = entries[section][counts[section]++];
        e.owner = owner;
        e.ownerOff = ownerOff;
        e.type = type;
        e.ttl = ttl;
        e.rrset = null;
        e.rdata = rdata;
        e.rdataOff = off;
        e.rdataLen = len;
        e.required = false;
        return true;
    }

    /** Makes room for one more entry, growing the section once in a while (not in steady state). */
    private boolean room(int section) {
        Entry[] s = entries[section];
        if (counts[section] < s.length) {
            return true;
        }
        if (s.length == MAX_ENTRIES) {
            return false;
        }
        Entry[] grown = java.util.Arrays.copyOf(s, Math.min(MAX_ENTRIES, s.length * 2));
        for (int i = s.length; i < grown.length; i++) {
            grown[i] = new Entry();
        }
        entries[section] = grown;
        return true;
    }

    private boolean contains(int section, RRset rrset) {
        Entry[] s = entries[section];
        for (int i = 0; i < counts[section]; i++) {
            if (s[i].rrset == rrset) {
                return true;
            }
        }
        return false;
    }

    public int count(int section) { return counts[section]; }

    public Entry entry(int section, int i) { return entries[section][i]; }

    public int rcode() { return rcode; }

    void rcode(int rcode) { this.rcode = rcode; }

    public boolean authoritative() { return authoritative; }

    void authoritative(boolean aa) { this.authoritative = aa; }
}
