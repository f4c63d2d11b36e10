package io.hpdns.zone;

import static io.hpdns.wire.DnsConstants.TYPE_SOA;

import io.hpdns.wire.WireNames;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The records of a zone's NXDOMAIN and NODATA responses, compiled once: both carry nothing but the
 * zone's SOA in the authority section, with the negative TTL (RFC 2308 §3, §5), so one copy serves
 * every name of the zone.
 *
 * <p>The records were written after a question of the origin itself. After a question
 * {@code shift} octets longer, the same records hold with every compression pointer moved by
 * {@code shift}: the origin at the end of the question and the records themselves both sit
 * {@code shift} octets further on. That is so unless a name in the SOA ends with a name of the
 * question longer than the origin, which the writer would point at instead: below
 * {@code ns1.example.com.} the MNAME {@code ns1.example.com.} is the question's own suffix.
 * {@link #appliesTo} tells those questions apart by their label just above the origin.
 */
public final class NegativeAnswer {
    private final byte[] records;
    /** The same, for the query path to copy from. */
    private final MemorySegment recordsView;
    private final int[] pointers;
    /** The label just above the origin of each SOA name below the origin, lowercased, length first. */
    private final byte[][] guards;
    private final int originLength;
    private final int originLabels;

    /**
     * @param records what the writer wrote after a question of the origin for a NODATA there: one
     *     SOA record, in the authority section
     */
    public NegativeAnswer(CompiledZone zone, byte[] records) {
        this.records = records.clone();
        this.recordsView = MemorySegment.ofArray(this.records);
        this.originLength = zone.originKey().length;
        this.originLabels = zone.originLabels();
        List<Integer> found = new ArrayList<>();
        int p = skipName(records, 0, found);
        int type = ((records[p] & 0xff) << 8) | (records[p + 1] & 0xff);
        p = skipName(records, p + 10, found);
        p = skipName(records, p, found);
        if (type != TYPE_SOA || p + 20 != records.length) {
            throw new IllegalArgumentException("not one SOA record: " + HexFormat.of().formatHex(records));
        }
        this.pointers = found.stream().mapToInt(Integer::intValue).toArray();
        byte[] soa = new byte[zone.recordsLength(zone.soa())];
        zone.copyRecords(zone.soa(), soa, 0);
        int mname = RRset.FIRST_RDATA;
        int rname = mname + WireNames.length(soa, mname);
        List<byte[]> below = new ArrayList<>();
        for (int name : new int[] {mname, rname}) {
            byte[] label = labelAboveOrigin(soa, name, zone.originKey());
            if (label != null) {
                below.add(label);
            }
        }
        this.guards = below.toArray(new byte[0][]);
    }

    /** The answer as compiled before, read back from a {@link CompiledZone}'s layout. */
    private NegativeAnswer(byte[] records, int[] pointers, byte[][] guards, int originLength, int originLabels) {
        this.records = records;
        this.recordsView = MemorySegment.ofArray(records);
        this.pointers = pointers;
        this.guards = guards;
        this.originLength = originLength;
        this.originLabels = originLabels;
    }

    /**
     * The answer as {@link CompiledZone} keeps it: the records' length (u16) and the records, the
     * pointers' count (u8) and each pointer (u16), the guards' count (u8) and each guard.
     */
    byte[] toLayout() {
        int length = 2 + records.length + 1 + 2 * pointers.length + 1;
        for (byte[] guard : guards) {
            length += guard.length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        out.putShort((short) records.length).put(records).put((byte) pointers.length);
        for (int pointer : pointers) {
            out.putShort((short) pointer);
        }
        out.put((byte) guards.length);
        for (byte[] guard : guards) {
            out.put(guard);
        }
        return out.array();
    }

    /** Reads back what {@link #toLayout} wrote, for a zone whose origin has these length and labels. */
    static NegativeAnswer fromLayout(byte[] layout, int originLength, int originLabels) {
        ByteBuffer in = ByteBuffer.wrap(layout);
        byte[] records = new byte[in.getShort() & 0xffff];
        in.get(records);
        int[] pointers = new int[in.get() & 0xff];
        for (int i = 0; i < pointers.length; i++) {
            pointers[i] = in.getShort() & 0xffff;
        }
        byte[][] guards = new byte[in.get() & 0xff][];
        for (int i = 0; i < guards.length; i++) {
            guards[i] = new byte[(in.get(in.position()) & 0xff) + 1];
            in.get(guards[i]);
        }
        return new NegativeAnswer(records, pointers, guards, originLength, originLabels);
    }

    /** Skips a name in the records, noting where its compression pointer is; the offset after it. */
    private static int skipName(byte[] b, int p, List<Integer> pointers) {
        while (true) {
            int len = b[p] & 0xff;
            if ((len & 0xC0) == 0xC0) {
                pointers.add(p);
                return p + 2;
            }
            if (len == 0) {
                return p + 1;
            }
            p += len + 1;
        }
    }

    /** For a name strictly below the origin, its label just above the origin, lowercased; else null. */
    private static byte[] labelAboveOrigin(byte[] data, int off, byte[] originKey) {
        int[] starts = new int[WireNames.labelCount(data, off) + 1];
        int labels = WireNames.labelStarts(data, off, starts);
        int originLabels = WireNames.labelCount(originKey, 0);
        if (labels <= originLabels || !WireNames.equalsIgnoreCase(data, starts[labels - originLabels], originKey, 0)) {
            return null;
        }
        int at = starts[labels - originLabels - 1];
        byte[] label = new byte[(data[at] & 0xff) + 1];
        for (int i = 0; i < label.length; i++) {
            label[i] = (byte) WireNames.lower(data[at + i]);
        }
        return label;
    }

    /**
     * Whether these records, shifted, are what the writer writes after this question name of the
     * zone (lowercased, with its label offsets; entry {@code labelCount} the root label).
     */
    public boolean appliesTo(byte[] qname, int qnameLen, int[] labelStarts, int labelCount) {
        if (qnameLen == originLength) {
            return true;
        }
        int at = labelStarts[labelCount - originLabels - 1];
        for (byte[] guard : guards) {
            // Equal lengths first: a longer guard would compare past the label.
            if (qname[at] == guard[0] && Arrays.equals(guard, 0, guard.length, qname, at, at + guard.length)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a name in the SOA has a label of 32 octets just above the origin, the shape of an
     * NSEC3 owner name (RFC 5155 §3): the writer could compress a proof's owner against it.
     */
    public boolean namesHashedOwnerShape() {
        for (byte[] guard : guards) {
            if (guard.length == Nsec3Hash.LABEL) {
                return true;
            }
        }
        return false;
    }

    /** How far the compression pointers move after a question name of {@code qnameLen} octets. */
    public int shift(int qnameLen) {
        return qnameLen - originLength;
    }

    /** The SOA record as written after a question of the origin; read only. */
    public MemorySegment records() { return recordsView; }

    public int pointerCount() { return pointers.length; }

    /** Offset in {@link #records()} of the i-th compression pointer. */
    public int pointer(int i) { return pointers[i]; }

    /** Each guard of {@link #appliesTo}: a label, length first; read only. */
    byte[][] guards() { return guards; }

    /** Length of the zone's origin in wire format. */
    int originLength() { return originLength; }

    /** Labels of the zone's origin, root excluded. */
    int originLabels() { return originLabels; }

    /** Whether {@code other} is these records with every pointer moved by {@code shift}. */
    public boolean sameAs(byte[] other, int shift) {
        if (other.length != records.length) {
            return false;
        }
        int next = 0;
        for (int p = 0; p < records.length; p++) {
            if (next < pointers.length && pointers[next] == p) {
                int target = ((records[p] & 0x3F) << 8 | (records[p + 1] & 0xff)) + shift;
                if ((other[p] & 0xff) != (0xC0 | target >>> 8) || (other[p + 1] & 0xff) != (target & 0xff)) {
                    return false;
                }
                p++;
                next++;
            } else if (records[p] != other[p]) {
                return false;
            }
        }
        return true;
    }
}
