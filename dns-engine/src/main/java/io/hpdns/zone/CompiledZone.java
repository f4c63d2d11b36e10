package io.hpdns.zone;

import static io.hpdns.wire.DnsConstants.TYPE_NS;
import static io.hpdns.wire.DnsConstants.TYPE_NSEC3;
import static io.hpdns.wire.DnsConstants.TYPE_NSEC3PARAM;
import static io.hpdns.wire.DnsConstants.TYPE_RRSIG;
import static io.hpdns.wire.DnsConstants.TYPE_SOA;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import io.hpdns.wire.WireNames;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.xbill.DNS.Name;

/**
 * A zone in its compiled layout, the form it is served from (docs/architecture.md): nodes, owner
 * names, RRsets, the precompiled answers and a hash index, all at offsets in one
 * {@link MemorySegment}, a read-only mapping of the zone's file or an array. A zone of a million
 * names is a handful of Java objects. Nodes and RRsets are named by their offset ({@code long});
 * reading one allocates nothing.
 *
 * <p>Layout, version {@value #VERSION}; integers big-endian, nothing aligned.
 * <pre>
 * header ({@value #HEADER} octets)
 *   0   magic "HPDNSZC1"          8
 *   8   version                   u32
 *   12  node count                u32
 *   16  length of the layout      u64
 *   24  record count              u32
 *   28  slot count                u32, a power of two
 *   32  apex node                 u64 (offset)
 *   40  apex SOA RRset            u64 (offset)
 *   48  hash slots                u64 (offset)
 *   56  first node                u64 (offset); the nodes follow one another up to the slots
 *   64  precompiled answers       u64 (offset), 72 their length u64 ({@link PrecompiledAnswers})
 *   80  origin                    u64 (offset of the origin in wire format, as configured)
 *   88  negative answer           u64 (offset), 96 its length u32 (0: none; {@link NegativeAnswer})
 *   100 denial chain              u64 (offset), 108 its length in entries u32 (0: none)
 *   112 NSEC3 of the nodes        u64 (offset), 120 its length in entries u32 (0: none, else one per node)
 *   124 flags                     u32: 1 answers deferred ({@link #answersDeferred}); no other bit set
 * node
 *   flags u8 (1 zone cut, 2 owner written in its own letter case), key length u8, RRset count u16,
 *   answers at i32 (-1: none), the key (the owner lowercased, wire format), the owner as written
 *   (flag 2 only), then its RRsets ordered by type; RRSIGs make one RRset per type they cover, with
 *   its own TTL, ordered by that type ({@link RRset#order})
 * RRset
 *   type u16, TTL u32, record count u32, data length u32, data: per record its length u16 and rdata
 * hash slot
 *   u64: 0 when empty, else the node's offset in the low {@value #OFFSET_BITS} bits and a tag of its
 *   key's hash above them (open addressing, linear probing)
 * denial chain, after the slots
 *   u64 per node that owns an NSEC RRset, or in a zone with an NSEC3PARAM an NSEC3 RRset of its
 *   parameters, its offset, in the canonical order of the owners (RFC 4034 §6.1; for NSEC3 that is
 *   the order of the hashes, {@link Nsec3Hash}): the record that covers a name is found by binary
 *   search; in an NSEC3 zone followed by each owner's head, the first eight digits of its hashed
 *   label as a u64 ({@link Nsec3Hash#head}), in the same order
 * NSEC3 of the nodes, after the denial chain, in an NSEC3 zone
 *   per node in layout order: the node u64; the NSEC3 owner whose hash is its name's, or, with the
 *   top bit set, the one that covers its hash (opt-out: none matches) u64; the one that covers or
 *   matches the hash of its wildcard child (*.name) u64: every hash a proof needs of a name that
 *   exists, computed when the zone is compiled (RFC 5155 §7.2)
 * </pre>
 */
public final class CompiledZone implements Authority {
    /** No node, no RRset. */
    public static final long NONE = -1;

    /** "HPDNSZC1". */
    static final long MAGIC = 0x4850444E535A4331L;
    static final int VERSION = 4;
    static final int HEADER = 128;
    static final int OFFSET_BITS = 40;
    static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;

    static final int NODE_COUNT = 12;
    static final int LENGTH = 16;
    static final int RECORD_COUNT = 24;
    static final int SLOT_COUNT = 28;
    static final int APEX = 32;
    static final int SOA = 40;
    static final int SLOTS = 48;
    static final int FIRST_NODE = 56;
    static final int ANSWERS = 64;
    static final int ANSWERS_LENGTH = 72;
    static final int ORIGIN = 80;
    static final int NEGATIVE = 88;
    static final int NEGATIVE_LENGTH = 96;
    static final int DENIAL_CHAIN = 100;
    static final int DENIAL_CHAIN_LENGTH = 108;
    static final int NSEC3_NODES = 112;
    static final int NSEC3_NODES_LENGTH = 120;
    static final int FLAGS = 124;
    /**
     * Flag: the layout is served before its answers are compiled, which a later image of the same
     * zone holds (docs/architecture.md, "Answers compiled after the first answer").
     */
    static final int ANSWERS_DEFERRED = 1;
    /** An entry of the NSEC3 of the nodes: the node, its NSEC3, its wildcard's. */
    static final int NSEC3_ENTRY = 24;
    /** The bit of an NSEC3 entry's second field saying the NSEC3 covers the hash rather than matches it. */
    static final long COVERS = 1L << 63;

    static final int ZONE_CUT = 1;
    static final int OWN_CASE = 2;
    /** Node header: flags, key length, RRset count, answers at. */
    static final int NODE_FIXED = 8;
    /** RRset header: type, TTL, record count, data length. */
    static final int RRSET_FIXED = 14;

    static final ValueLayout.OfShort U16 = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64 = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Eight octets of a byte array as one {@code long}, in the native order the layout's longs are read in. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final MemorySegment layout;
    private final Name origin;
    private final byte[] originKey;
    private final int originLabels;
    private final long apex;
    private final long soa;
    private final long serial;
    private final long negativeTtl;
    private final long slots;
    private final long slotMask;
    private final int slotShift;
    private final int nodeCount;
    private final int recordCount;
    private final long denialChain;
    private final int denialCount;
    /** In an NSEC3 zone, the chain's heads ({@link Nsec3Hash#head}), after its owners. */
    private final long chainHeads;
    private final long nsec3Nodes;
    private final int nsec3Count;
    /** The apex's entry of the NSEC3 of the nodes, found once: most proofs of a flat zone start there. */
    private final long apexNsec3Entry;
    /** The NSEC3PARAM's parameters in an NSEC3 zone; null otherwise. */
    private final Nsec3Hash.Parameters nsec3;
    private final boolean signed;
    private final PrecompiledAnswers answers;

    /**
     * A zone over a layout that {@link CompiledZoneWriter} wrote, in this process or into an image
     * whose checksums and structure were checked ({@link ZoneImage}).
     */
    CompiledZone(MemorySegment layout) {
        this.layout = layout;
        this.origin = originOf(layout);
        this.originKey = NameTable.key(origin.toWire());
        this.originLabels = origin.labels() - 1;
        this.apex = layout.get(U64, APEX);
        this.soa = layout.get(U64, SOA);
        this.slots = layout.get(U64, SLOTS);
        int slotCount = layout.get(U32, SLOT_COUNT);
        this.slotMask = slotCount - 1;
        this.slotShift = Integer.numberOfLeadingZeros(slotCount) + 1;
        this.nodeCount = layout.get(U32, NODE_COUNT);
        this.recordCount = layout.get(U32, RECORD_COUNT);
        this.denialChain = layout.get(U64, DENIAL_CHAIN);
        this.denialCount = layout.get(U32, DENIAL_CHAIN_LENGTH);
        this.chainHeads = denialChain + 8L * denialCount;
        this.nsec3Nodes = layout.get(U64, NSEC3_NODES);
        this.nsec3Count = layout.get(U32, NSEC3_NODES_LENGTH);
        long nsec3param = nsec3Count == 0 ? NONE : rrset(apex, TYPE_NSEC3PARAM);
        this.nsec3 = nsec3param == NONE ? null : Nsec3Hash.Parameters.of(rdata(records(nsec3param)));
        this.apexNsec3Entry = nsec3Count == 0 ? NONE : searchNsec3Entry(apex);
        this.signed = signatures(apex, TYPE_SOA) != NONE;
        long soaRdata = records(soa) + 2;
        long fixed = soaRdata + rdataLength(records(soa)) - 20;
        this.serial = Integer.toUnsignedLong(layout.get(U32, fixed));
        long minimum = Integer.toUnsignedLong(layout.get(U32, fixed + 16));
        // RFC 2308 §3: the TTL of the SOA in a negative answer is min(SOA TTL, SOA MINIMUM).
        this.negativeTtl = Math.min(ttl(soa), minimum);
        long answersAt = layout.get(U64, ANSWERS);
        long answersLength = layout.get(U64, ANSWERS_LENGTH);
        int negativeLength = layout.get(U32, NEGATIVE_LENGTH);
        NegativeAnswer negative = negativeLength == 0 ? null : NegativeAnswer.fromLayout(
                layout.asSlice(layout.get(U64, NEGATIVE), negativeLength).toArray(JAVA_BYTE), originKey.length,
                originLabels);
        this.answers = answersLength == 0 && negative == null ? PrecompiledAnswers.NONE
                : new PrecompiledAnswers(layout.asSlice(answersAt, answersLength), negative, signed);
    }

    private static Name originOf(MemorySegment layout) {
        long at = layout.get(U64, ORIGIN);
        long p = at;
        int len;
        while ((len = layout.get(JAVA_BYTE, p) & 0xff) != 0) {
            p += len + 1;
        }
        try {
            return new Name(layout.asSlice(at, p + 1 - at).toArray(JAVA_BYTE));
        } catch (IOException e) {
            throw new IllegalArgumentException("the layout's origin is not a wire name", e);
        }
    }

    @Override
    public Name origin() { return origin; }

    /**
     * Checks that {@code layout} is a layout this reader can serve: its header, every offset and
     * length within it, every name a wire name, every RRset's records adding up, every node
     * findable through the index and no slot pointing elsewhere, so that no lookup in a layout
     * that passed can fail. The precompiled answers are left to the file's checksum. Cold path,
     * once per image another process wrote.
     *
     * @throws IllegalArgumentException saying what is wrong and at which offset
     */
    static void check(MemorySegment layout) {
        new LayoutCheck(layout).check();
    }

    /**
     * As {@link #check} for a layout patched from a checked one ({@link LayoutPatch}): its header,
     * apex and the nodes {@code written} anew; the rest was checked where it was copied from.
     */
    static void checkPatched(MemorySegment layout, long[] written) {
        new LayoutCheck(layout).checkPatched(written);
    }

    /** The origin, lowercased, in wire format; read only. */
    byte[] originKey() { return originKey; }

    /** Labels of the origin, root excluded. */
    public int originLabels() { return originLabels; }

    /** Octets of the origin in wire format. */
    public int originLength() { return originKey.length; }

    public long serial() { return serial; }

    /** TTL for the SOA in NXDOMAIN and NODATA answers (RFC 2308 §3). */
    public long negativeTtl() { return negativeTtl; }

    public long apex() { return apex; }

    /** The apex SOA RRset. */
    public long soa() { return soa; }

    /** Nodes, empty non-terminals included. */
    public int nodeCount() { return nodeCount; }

    /** Slots of the hash index. */
    int slotCount() { return (int) slotMask + 1; }

    /** Records, after duplicates were collapsed. */
    public int recordCount() { return recordCount; }

    /**
     * Whether the zone is signed: its SOA has RRSIGs. A client that sets DO then gets the RRSIGs of
     * what it is answered (RFC 4035 §3.1.1).
     */
    public boolean signed() { return signed; }

    /**
     * Owners of the records that deny existence: of NSEC, or of NSEC3 in a zone with an NSEC3PARAM
     * ({@link #nsec3()}); 0 when the zone has neither (RFC 4035 §3.1.3, RFC 5155 §7.2).
     */
    public int denialCount() { return denialCount; }

    /** The NSEC3 parameters of an NSEC3 zone, which the NSEC3 of its nodes were compiled with; else null. */
    public Nsec3Hash.Parameters nsec3() { return nsec3; }

    /**
     * The node owning the NSEC or NSEC3 that covers or matches the lowercased wire name {@code name}
     * (labels at {@code starts[0..labels)}): the last owner of the chain that sorts before it or is
     * it (RFC 4034 §6.1), or the last of the chain, whose record covers the names after it up to the
     * first (RFC 4034 §4.1.1, RFC 5155 §3.1.7). For NSEC3 the name is a hashed owner name. The
     * zone's {@link #denialCount} must not be 0.
     */
    public long denialCovering(byte[] name, int[] starts, int labels, CanonicalOrder order) {
        int low = 0;
        int high = denialCount - 1;
        long found = chainOwner(high);
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long node = chainOwner(mid);
            int c = order.compare(name, starts, labels, layout, key(node));
            if (c == 0) {
                return node;
            }
            if (c > 0) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        // Every owner from low on sorts after the name: the one before low covers it.
        return low == 0 ? found : chainOwner(low - 1);
    }

    /**
     * The owner of the NSEC3 that covers or matches a hash, given as its owner's label
     * ({@code Nsec3Hash.LABEL} octets: the length and the base32hex digits, lowercased) in
     * {@code label}: in an NSEC3 zone every owner of the chain is such a label under the apex, so
     * the chain's order is the order of these labels as octets (RFC 5155 §3.1.7: the last owner
     * covers the hashes after it and before the first).
     */
    public long nsec3Covering(MemorySegment label) {
        long head = Nsec3Hash.head(label);
        int low = 0;
        int high = denialCount - 1;
        // Halving rather than interpolating, though hashes are spread evenly: its first probes are
        // the same for every hash and stay in the cache, where each probe of an interpolation
        // search is a miss. The probes read the chain's heads, one array, and an owner's label
        // only when the heads are equal: reading each probe's owner and then its label was two
        // misses a probe, a third of an NXDOMAIN with DO (docs/performance.md).
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = Long.compareUnsigned(head, layout.get(U64, chainHeads + 8L * mid));
            if (c == 0) {
                c = compareHash(label, mid);
            }
            if (c == 0) {
                return chainOwner(mid);
            }
            if (c > 0) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return chainOwner(low == 0 ? denialCount - 1 : low - 1);
    }

    /** The label against the hashed label of the chain's owner {@code i}, as octets. */
    private int compareHash(MemorySegment label, int i) {
        long key = key(chainOwner(i));
        long differ = MemorySegment.mismatch(label, 0, Nsec3Hash.LABEL, layout, key, key + Nsec3Hash.LABEL);
        return differ < 0 ? 0 : (label.get(JAVA_BYTE, differ) & 0xff) - (layout.get(JAVA_BYTE, key + differ) & 0xff);
    }

    private long chainOwner(int i) {
        return layout.get(U64, denialChain + 8L * i);
    }

    /**
     * The owner of the NSEC3 whose hash is that of {@code node}'s name (RFC 5155 §7.2.3), or
     * {@link #NONE} when none is (a delegation without DS left out by opt-out, §6). An NSEC3 zone only.
     */
    public long nsec3Matching(long node) {
        long nsec3Of = layout.get(U64, nsec3Entry(node) + 8);
        return (nsec3Of & COVERS) != 0 ? NONE : nsec3Of;
    }

    /** The owner of the NSEC3 that covers the hash of {@code node}'s name, which none matches. */
    public long nsec3Covering(long node) {
        return layout.get(U64, nsec3Entry(node) + 8) & ~COVERS;
    }

    /** The owner of the NSEC3 that covers (or matches) the hash of {@code *.<node's name>} (RFC 5155 §7.2.2). */
    public long nsec3OfWildcard(long node) {
        return layout.get(U64, nsec3Entry(node) + 16);
    }

    /** The entry of the NSEC3 of the nodes for {@code node}. */
    private long nsec3Entry(long node) {
        if (nsec3Count == 0) {
            throw new IllegalArgumentException("not an NSEC3 zone");
        }
        return node == apex ? apexNsec3Entry : searchNsec3Entry(node);
    }

    /** The entry for {@code node} by interpolation search, the entries in node order. */
    private long searchNsec3Entry(long node) {
        int low = 0;
        int high = nsec3Count - 1;
        long lowNode = nsec3EntryNode(low);
        long highNode = nsec3EntryNode(high);
        if (node == lowNode || node == highNode) {
            return nsec3EntryAt(node == lowNode ? low : high);
        }
        // One entry per node, in node order, and nodes of similar sizes: the node's offset among the
        // nodes guesses its entry within a few, where halving the table (4.8 MB for 200,000 nodes)
        // misses the cache at most of its eighteen probes (95 against 165 ns a search).
        boolean halve = false;
        while (high - low > 1 && node > lowNode && node < highNode) {
            int span = high - low;
            int mid = halve ? (low + high) >>> 1 : interpolate(low, high, node, lowNode, highNode);
            long n = nsec3EntryNode(mid);
            if (n == node) {
                return nsec3EntryAt(mid);
            }
            if (n < node) {
                low = mid;
                lowNode = n;
            } else {
                high = mid;
                highNode = n;
            }
            halve = high - low > span / 2;
        }
        throw new IllegalArgumentException("not a node: " + node);
    }

    private long nsec3EntryAt(int i) {
        return nsec3Nodes + (long) NSEC3_ENTRY * i;
    }

    private long nsec3EntryNode(int i) {
        return layout.get(U64, nsec3EntryAt(i));
    }

    /**
     * Interpolation search's probe for {@code value} strictly between the values at {@code low}
     * and {@code high}: where it falls if the values between are spread evenly, strictly inside.
     * The caller halves instead after a probe that left more than half the range, which keeps the
     * worst case within twice a binary search's.
     */
    private static int interpolate(int low, int high, long value, long lowValue, long highValue) {
        int guess = highValue > lowValue
                ? low + (int) ((double) (value - lowValue) / (highValue - lowValue) * (high - low))
                : (low + high) >>> 1;
        return Math.max(low + 1, Math.min(high - 1, guess));
    }

    /** The precompiled answers; {@link PrecompiledAnswers#NONE} until compiled. */
    public PrecompiledAnswers answers() { return answers; }

    /**
     * Whether this layout was written with its answers left out, to be served at once while they
     * are compiled into a later image of the same zone: every query takes the general path.
     */
    public boolean answersDeferred() {
        return (layout.get(U32, FLAGS) & ANSWERS_DEFERRED) != 0;
    }

    /** The whole layout, for copying records out of it; read only. */
    public MemorySegment layout() { return layout; }

    // ---------------------------------------------------------------- lookup

    /** The node owning the lowercased wire name {@code name[off..off+len)}, or {@link #NONE}. */
    public long node(byte[] name, int off, int len) {
        int h = NameTable.hash(name, off, len);
        long tag = tag(h);
        long slot = slotOf(h);
        long s;
        while ((s = layout.get(U64, slots + (slot << 3))) != 0) {
            if ((s & ~OFFSET_MASK) == tag) {
                long node = s & OFFSET_MASK;
                if (keyEquals(node, name, off, len)) {
                    return node;
                }
            }
            slot = (slot + 1) & slotMask;
        }
        return NONE;
    }

    long slotOf(int hash) {
        return (hash * 0x9E3779B9) >>> slotShift;
    }

    /** The bits of a slot above the node offset: 24 bits of the hash. */
    static long tag(int hash) {
        return ((long) (hash >>> 8)) << OFFSET_BITS;
    }

    /** Whether the node's owner is the lowercased wire name {@code name[off..off+len)}. */
    public boolean hasKey(long node, byte[] name, int off, int len) {
        return keyEquals(node, name, off, len);
    }

    private boolean keyEquals(long node, byte[] name, int off, int len) {
        if ((layout.get(JAVA_BYTE, node + 1) & 0xff) != len) {
            return false;
        }
        // Eight octets at a time: a name is compared on every lookup, a query makes several.
        long key = node + NODE_FIXED;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            if (layout.get(JAVA_LONG_UNALIGNED, key + i) != (long) LONGS.get(name, off + i)) {
                return false;
            }
        }
        for (; i < len; i++) {
            if (layout.get(JAVA_BYTE, key + i) != name[off + i]) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- nodes

    public boolean isZoneCut(long node) { return (layout.get(JAVA_BYTE, node) & ZONE_CUT) != 0; }

    /**
     * Whether the node holds nothing but NSEC3 and the RRSIGs covering it: a hashed owner name,
     * which is answered as if it did not exist (RFC 5155 §7.2.9).
     */
    public boolean isNsec3Only(long node) {
        int n = rrsetCount(node);
        long r = firstRRset(node);
        for (int i = n; i > 0; i--, r = nextRRset(r)) {
            int type = type(r);
            if (type != TYPE_NSEC3 && !(type == TYPE_RRSIG && covered(r) == TYPE_NSEC3)) {
                return false;
            }
        }
        return n > 0;
    }

    /**
     * Whether a name server of the zone cut {@code cut}, a name of its NS RRset, may lie below it
     * under the label {@code label[off..]} (length first, lowercased): its label just above a
     * suffix as long as the cut's name is that label, in any letter case.
     */
    public boolean nameServerUnder(long cut, byte[] label, int off) {
        long ns = rrset(cut, TYPE_NS);
        int suffix = (label[off] & 0xff) + 1 + ownerLength(cut);
        long record = records(ns);
        for (int i = size(ns); i > 0; i--, record = nextRecord(record)) {
            long end = record + 2 + rdataLength(record);
            long p = record + 2;
            while (end - p > suffix) {
                p += (layout.get(JAVA_BYTE, p) & 0xff) + 1;
            }
            if (end - p == suffix && labelEqualsIgnoreCase(p, label, off)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the label at {@code at} is {@code label[off..]} (lowercased) but for letter case. */
    private boolean labelEqualsIgnoreCase(long at, byte[] label, int off) {
        int length = label[off] & 0xff;
        if ((layout.get(JAVA_BYTE, at) & 0xff) != length) {
            return false;
        }
        for (int i = 1; i <= length; i++) {
            if ((byte) WireNames.lower(layout.get(JAVA_BYTE, at + i)) != label[off + i]) {
                return false;
            }
        }
        return true;
    }

    /** A node without RRsets: an empty non-terminal (RFC 8020 §2). */
    public boolean isEmptyNonTerminal(long node) { return rrsetCount(node) == 0; }

    /** Octets of the owner name (and of its key). */
    public int ownerLength(long node) { return layout.get(JAVA_BYTE, node + 1) & 0xff; }

    public int rrsetCount(long node) { return layout.get(U16, node + 2) & 0xffff; }

    /**
     * Where the node's answers start in {@link #answers()}, or {@link PrecompiledAnswers#NOT_COMPILED}.
     */
    public int answersAt(long node) { return layout.get(U32, node + 4); }

    /** Offset of the owner name, uncompressed, in the letter case of the zone file. */
    public long owner(long node) {
        return (layout.get(JAVA_BYTE, node) & OWN_CASE) != 0 ? node + NODE_FIXED + ownerLength(node) : key(node);
    }

    /** Offset of the owner name lowercased. */
    public long key(long node) { return node + NODE_FIXED; }

    /** The owner name, as written, in an array of its own: cold paths (compiling, transfers). */
    public byte[] ownerName(long node) {
        byte[] owner = new byte[ownerLength(node)];
        copyOwner(node, owner, 0);
        return owner;
    }

    /** The rdata of the record at {@code at}, in an array of its own: cold paths. */
    public byte[] rdata(long at) {
        return layout.asSlice(at + 2, rdataLength(at)).toArray(JAVA_BYTE);
    }

    /** Copies the owner name, as written, to {@code dst[at..]}; returns its length. */
    public int copyOwner(long node, byte[] dst, int at) {
        int len = ownerLength(node);
        MemorySegment.copy(layout, JAVA_BYTE, owner(node), dst, at, len);
        return len;
    }

    /** The node's first RRset; meaningless when it has none. */
    public long firstRRset(long node) {
        int len = ownerLength(node);
        return node + NODE_FIXED + ((layout.get(JAVA_BYTE, node) & OWN_CASE) != 0 ? 2 * len : len);
    }

    /** The RRset of the given type at the node, or {@link #NONE}. */
    public long rrset(long node, int type) {
        long r = firstRRset(node);
        for (int i = rrsetCount(node); i > 0; i--, r = nextRRset(r)) {
            int t = type(r);
            if (t == type) {
                return r;
            }
            if (t > type) {
                break; // ordered by type
            }
        }
        return NONE;
    }

    /**
     * The RRSIG RRset at the node whose signatures cover {@code covered} (RFC 4035 §3.1.1: what is
     * written beside that RRset for a client that set DO), or {@link #NONE}.
     */
    public long signatures(long node, int covered) {
        // One walk over the node's RRsets, ordered by type and RRSIGs by the type covered.
        long r = firstRRset(node);
        for (int i = rrsetCount(node); i > 0; i--, r = nextRRset(r)) {
            int type = type(r);
            if (type > TYPE_RRSIG) {
                break;
            }
            if (type == TYPE_RRSIG) {
                int c = covered(r);
                if (c == covered) {
                    return r;
                }
                if (c > covered) {
                    break;
                }
            }
        }
        return NONE;
    }

    /** The RRset of the given type at the node, for RRSIG the one covering {@code covered}, or {@link #NONE}. */
    public long rrset(long node, int type, int covered) {
        return type == TYPE_RRSIG ? signatures(node, covered) : rrset(node, type);
    }

    /** For an RRSIG RRset, the type its signatures cover; 0 for any other. */
    public int covered(long rrset) {
        return type(rrset) == TYPE_RRSIG ? layout.get(U16, records(rrset) + 2) & 0xffff : 0;
    }

    /**
     * Whether {@code node} holds what {@code otherNode} of {@code other} holds: flags, owner as
     * written and RRsets, octet for octet (where their answers start aside).
     */
    public boolean sameNode(long node, CompiledZone other, long otherNode) {
        long length = nextNode(node) - node;
        return other.nextNode(otherNode) - otherNode == length
                && MemorySegment.mismatch(layout, node, node + 4, other.layout, otherNode, otherNode + 4) < 0
                && MemorySegment.mismatch(layout, node + NODE_FIXED, node + length, other.layout,
                        otherNode + NODE_FIXED, otherNode + length) < 0;
    }

    /** The node after this one in the layout; at the end of the nodes, the start of the slots. */
    public long nextNode(long node) {
        long r = firstRRset(node);
        for (int i = rrsetCount(node); i > 0; i--) {
            r = nextRRset(r);
        }
        return r;
    }

    /** The first node of the layout, for walking every node with {@link #nextNode} up to {@link #nodesEnd()}. */
    public long firstNode() { return layout.get(U64, FIRST_NODE); }

    public long nodesEnd() { return slots; }

    // ---------------------------------------------------------------- RRsets

    public int type(long rrset) { return layout.get(U16, rrset) & 0xffff; }

    public long ttl(long rrset) { return Integer.toUnsignedLong(layout.get(U32, rrset + 2)); }

    /** Number of records. */
    public int size(long rrset) { return layout.get(U32, rrset + 6); }

    /** Offset of the records: {@link #size} times a 16-bit rdata length and the rdata. */
    public long records(long rrset) { return rrset + RRSET_FIXED; }

    /** Octets of the records, lengths included. */
    public int recordsLength(long rrset) { return layout.get(U32, rrset + 10); }

    public long nextRRset(long rrset) { return rrset + RRSET_FIXED + recordsLength(rrset); }

    /** The 16-bit rdata length at {@code at}, the start of a record. */
    public int rdataLength(long at) { return layout.get(U16, at) & 0xffff; }

    /** The offset of the record after the one at {@code at}. */
    public long nextRecord(long at) { return at + 2 + rdataLength(at); }

    /** Copies the RRset's records, lengths included, to {@code dst[at..]}; returns their length. */
    public int copyRecords(long rrset, byte[] dst, int at) {
        int len = recordsLength(rrset);
        MemorySegment.copy(layout, JAVA_BYTE, records(rrset), dst, at, len);
        return len;
    }

    /** Copies the uncompressed name at {@code at} lowercased to {@code dst[dstOff..]}; returns its length. */
    public int copyNameLower(long at, byte[] dst, int dstOff) {
        long p = at;
        int q = dstOff;
        while (true) {
            int len = layout.get(JAVA_BYTE, p) & 0xff;
            dst[q++] = (byte) len;
            if (len == 0) {
                return q - dstOff;
            }
            for (int i = 1; i <= len; i++) {
                dst[q++] = (byte) WireNames.lower(layout.get(JAVA_BYTE, p + i));
            }
            p += len + 1;
        }
    }

    /** Copies the uncompressed name at {@code at}, as written, to {@code dst[dstOff..]}; returns its length. */
    public int copyName(long at, byte[] dst, int dstOff) {
        int len = nameLength(at);
        MemorySegment.copy(layout, JAVA_BYTE, at, dst, dstOff, len);
        return len;
    }

    /** Octets of the uncompressed name at {@code at}. */
    public int nameLength(long at) {
        long p = at;
        int len;
        while ((len = layout.get(JAVA_BYTE, p) & 0xff) != 0) {
            p += len + 1;
        }
        return (int) (p + 1 - at);
    }
}
