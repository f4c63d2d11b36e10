package io.hpdns.lookup;

import io.hpdns.wire.DnsConstants;
import io.hpdns.zone.CompiledZone;

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
        /**
         * The zone node whose owner name the records have, or {@link CompiledZone#NONE} when it is
         * {@link #owner} (a name the lookup made, or the question name when {@link #ownerOff} is -1).
         */
        public long ownerNode;
        public byte[] owner;
        public int ownerOff;
        public int type;
        public long ttl;
        /** The zone's RRset, or {@link CompiledZone#NONE} for a synthesized record (a CNAME made from a DNAME). */
        public long rrset;
        public byte[] rdata;
        public int rdataOff;
        public int rdataLen;
        /** RFC 9471 §3: glue the referral cannot do without; if it doesn't fit, the response is truncated. */
        public boolean required;
        /**
         * The RRSIGs of the entry before it, with its owner: written with it or not at all (RFC 4035
         * §3.1.1: a signature is never split from its RRset).
         */
        public boolean signs;
    }

    private final Entry[][] entries = new Entry[3][INITIAL_ENTRIES];
    private final int[] counts = new int[3];
    private int rcode;
    private boolean authoritative;
    private long referralCut;
    private int referralCutLabel;

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
        referralCut = CompiledZone.NONE;
    }

    /**
     * Makes the answer the referral of the zone cut {@code cut}, the question's label
     * {@code label}, above the question: left to the cut's compiled referral, with no entries.
     */
    void referralCut(long cut, int label) {
        this.referralCut = cut;
        this.referralCutLabel = label;
        this.authoritative = false;
    }

    /**
     * The zone cut above the question whose referral is the answer, when the lookup left it to
     * the cut's compiled answers; else {@link CompiledZone#NONE}.
     */
    public long referralCut() { return referralCut; }

    /** The index of the {@link #referralCut}'s first label among the question's labels. */
    public int referralCutLabel() { return referralCutLabel; }

    /**
     * Adds a zone RRset of type {@code type}, owned by {@code owner[ownerOff..]} (-1: the question
     * name); returns false when the section is full or it is already there.
     */
    boolean add(int section, byte[] owner, int ownerOff, long rrset, int type, long ttl, boolean required) {
        return add(section, CompiledZone.NONE, owner, ownerOff, rrset, type, ttl, required);
    }

    /** Adds a zone RRset owned by the zone node {@code ownerNode}, as {@link #add(int, byte[], int, long, int, long, boolean)}. */
    boolean add(int section, long ownerNode, long rrset, int type, long ttl, boolean required) {
        return add(section, ownerNode, null, 0, rrset, type, ttl, required);
    }

    private boolean add(int section, long ownerNode, byte[] owner, int ownerOff, long rrset, int type, long ttl,
                        boolean required) {
        if (contains(section, rrset) || !room(section)) {
            return false;
        }
        next(section, ownerNode, owner, ownerOff, type, ttl, rrset).required = required;
        return true;
    }

    /**
     * Adds the RRSIG RRset {@code rrsig}, the signatures of the section's last entry, with that
     * entry's owner.
     */
    void addSignatures(int section, long rrsig, long ttl) {
        if (contains(section, rrsig) || !room(section)) {
            return;
        }
        Entry signed = entries[section][counts[section] - 1];
        next(section, signed.ownerNode, signed.owner, signed.ownerOff, DnsConstants.TYPE_RRSIG, ttl, rrsig).signs = true;
    }

    /** Adds a synthesized record whose rdata is {@code rdata[off..off+len)}. */
    boolean addSynthesized(int section, byte[] owner, int ownerOff, int type, long ttl, byte[] rdata, int off, int len) {
        if (!room(section)) {
            return false;
        }
        Entry e = next(section, CompiledZone.NONE, owner, ownerOff, type, ttl, CompiledZone.NONE);
        e.rdata = rdata;
        e.rdataOff = off;
        e.rdataLen = len;
        return true;
    }

    /** The section's next entry, which {@link #room} made, filled in: no rdata, not required, signing nothing. */
    private Entry next(int section, long ownerNode, byte[] owner, int ownerOff, int type, long ttl, long rrset) {
        Entry e = entries[section][counts[section]++];
        e.ownerNode = ownerNode;
        e.owner = owner;
        e.ownerOff = ownerOff;
        e.type = type;
        e.ttl = ttl;
        e.rrset = rrset;
        e.rdata = null;
        e.required = false;
        e.signs = false;
        return e;
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

    private boolean contains(int section, long rrset) {
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
