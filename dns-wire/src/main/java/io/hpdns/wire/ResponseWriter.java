package io.hpdns.wire;

import static io.hpdns.wire.DnsConstants.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes one response message into a caller-owned buffer: header, the question copied from the
 * query, resource records with name compression, and the OPT record. Every record or RRset either
 * fits whole or leaves the message as it was, so a truncated response never holds a partial RRset
 * (RFC 2181 §9). Allocation-free and reused per message.
 */
public final class ResponseWriter {
    public static final int ANSWER = 0;
    public static final int AUTHORITY = 1;
    public static final int ADDITIONAL = 2;

    /** The owner offset that means "the question name", written as a pointer to offset 12. */
    public static final int OWNER_QNAME = -1;
    private static final int QNAME_POINTER = 0xC000 | HEADER_SIZE;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final NameCompressor compressor = new NameCompressor();
    private final int[] counts = new int[3];
    private byte[] out;
    private int pos;
    private int limit;
    /** Where the {@link #precompiled} records start. */
    private int recordsStart;
    private int keepalive = NO_KEEPALIVE;

    /** For {@link #keepalive}: no edns-tcp-keepalive option. */
    public static final int NO_KEEPALIVE = -1;

    /** Starts a message in {@code out}; records are written up to {@code limit} octets. */
    public void begin(byte[] out, int limit) {
        this.out = out;
        this.limit = limit;
        this.pos = HEADER_SIZE;
        counts[0] = counts[1] = counts[2] = 0;
        compressor.reset();
        keepalive = NO_KEEPALIVE;
    }

    /**
     * Makes the next {@link #opt} carry the edns-tcp-keepalive option (RFC 7828 §3.3.2) with this
     * TIMEOUT, in units of 100 ms; {@link #NO_KEEPALIVE} for none. Reset by {@link #begin}.
     */
    public void keepalive(int timeout) {
        this.keepalive = timeout;
    }


    /**
     * Keeps room at the end of the message for the OPT record {@link #opt} will write with these
     * options (and the keepalive option, when set), so the records before it can never crowd it
     * out (RFC 6891 §7: a truncated response still carries its OPT).
     */
    public void reserveOpt(byte[] nsid, int extendedError) {
        limit -= optLength(nsid, extendedError);
    }

    /** Octets of the OPT record {@link #opt} writes with these options (and the keepalive option, when set). */
    public int optLength(byte[] nsid, int extendedError) {
        return 11 + (nsid == null ? 0 : 4 + nsid.length) + (extendedError == NO_EXTENDED_ERROR ? 0 : 6)
                + (keepalive == NO_KEEPALIVE ? 0 : 6);
    }

    /**
     * Copies the question (name, type, class) from the query. The name keeps the client's letter
     * case and later owner names point at it. Returns false when it does not fit.
     */
    public boolean question(byte[] query, int nameOff, int nameLen) {
        int len = nameLen + 4;
        if (pos + len > limit) {
            return false;
        }
        System.arraycopy(query, nameOff, out, pos, len);
        int p = pos;
        int labelLen;
        while ((labelLen = out[p] & 0xff) != 0) {
            compressor.add(p, nameLen - (p - pos));
            p += labelLen + 1;
        }
        pos += len;
        return true;
    }

    /**
     * Writes the question copied from the query, in the client's letter case, and then records this
     * writer wrote earlier after the same question name: the client's name has the same length and
     * label offsets, so each compression pointer into it still holds. Only {@link #opt},
     * {@link #shiftPointer} and {@link #finish} may follow. Returns false, writing nothing, when
     * the message and {@code reserve} more octets would pass the limit.
     *
     * @param records {@code ancount + nscount + arcount} records at {@code records[off..off+len)}: a
     *     compiled zone's, copied as they are
     */
    public boolean precompiled(byte[] query, int nameOff, int nameLen, MemorySegment records, long off, int len,
                               int ancount, int nscount, int arcount, int reserve) {
        int questionLen = nameLen + 4;
        if (pos + questionLen + len + reserve > limit) {
            return false;
        }
        System.arraycopy(query, nameOff, out, pos, questionLen);
        pos += questionLen;
        recordsStart = pos;
        MemorySegment.copy(records, ValueLayout.JAVA_BYTE, off, out, pos, len);
        pos += len;
        counts[ANSWER] = ancount;
        counts[AUTHORITY] = nscount;
        counts[ADDITIONAL] = arcount;
        return true;
    }

    /**
     * Moves the compression pointer {@code at} octets into the {@link #precompiled} records by
     * {@code shift} octets: for records written after a question {@code shift} octets shorter.
     */
    public void shiftPointer(int at, int shift) {
        int p = recordsStart + at;
        int target = (((out[p] & 0x3F) << 8) | (out[p + 1] & 0xff)) + shift;
        putShort(p, 0xC000 | target);
    }

    /**
     * Moves every compression pointer in the {@link #precompiled} records by {@code shift} octets,
     * finding them by reading the records (owner names, and the names in the rdata of the types
     * whose names are compressed): for records written after a question {@code shift} octets
     * shorter, which is a suffix of this one, and all of whose names point into that suffix or into
     * the records themselves.
     */
    public void shiftPointers(int shift) {
        int p = recordsStart;
        while (p < pos) {
            p = shiftName(p, shift);
            int type = ((out[p] & 0xff) << 8) | (out[p + 1] & 0xff);
            int rdata = p + 10;
            if (compressesRdata(type)) {
                switch (type) {
                    case TYPE_MX -> shiftName(rdata + 2, shift);
                    case TYPE_SOA, 14 /* MINFO */ -> shiftName(shiftName(rdata, shift), shift);
                    default -> shiftName(rdata, shift);
                }
            }
            p = rdata + (((out[p + 8] & 0xff) << 8) | (out[p + 9] & 0xff));
        }
    }

    /** Moves the pointer that ends the name at {@code p}, if it has one; the position after the name. */
    private int shiftName(int p, int shift) {
        while (true) {
            int len = out[p] & 0xff;
            if ((len & 0xC0) == 0xC0) {
                shiftPointer(p - recordsStart, shift);
                return p + 2;
            }
            if (len == 0) {
                return p + 1;
            }
            p += len + 1;
        }
    }

    /**
     * Writes every record of an RRset, or none of them.
     *
     * @param owner owner name array, ignored when {@code ownerOff} is {@link #OWNER_QNAME}
     * @param records {@code count} times a 16-bit rdata length followed by the rdata
     */
    public boolean rrset(int section, byte[] owner, int ownerOff, int type, int rrclass, long ttl, byte[] records, int count) {
        int startPos = pos;
        int startMark = compressor.mark();
        for (int i = 0, p = 0; i < count; i++) {
            int len = ((records[p] & 0xff) << 8) | (records[p + 1] & 0xff);
            if (!writeRecord(owner, ownerOff, type, rrclass, ttl, records, p + 2, len)) {
                pos = startPos;
                compressor.rollback(startMark);
                return false;
            }
            p += 2 + len;
        }
        counts[section] += count;
        return true;
    }

    /** Whether {@code octets} more fit in the message. */
    public boolean fits(int octets) {
        return pos + octets <= limit;
    }

    /**
     * Octets {@link #rrsetAt} writes for {@code count} records of {@code recordsLength} octets
     * (rdata and their lengths), each owned by a pointer; one owned by a label and a pointer
     * ({@link #rrsetUnder}) takes that label's octets more.
     */
    public static int pointedRRsetLength(int count, int recordsLength) {
        return count * 10 + recordsLength;
    }

    /**
     * Writes every record of an RRset, or none of them, each owned by the name already written at
     * {@code ownerAt}: a compression pointer to it. Only for types whose rdata hold no name to
     * compress (RFC 3597 §4); they are copied as they are. This is what {@link #rrset} writes when
     * the first name in the message equal to the owner is the one at {@code ownerAt}, without
     * searching the message for it.
     *
     * @param records {@code count} times a 16-bit rdata length followed by the rdata, {@code length} octets
     */
    public boolean rrsetAt(int section, int ownerAt, int type, long ttl, MemorySegment src, long records, int count,
                           int length) {
        if (!fits(pointedRRsetLength(count, length))) {
            return false;
        }
        pos = pointedRecords(ownerAt, type, ttl, src, records, count, pos);
        counts[section] += count;
        return true;
    }

    /**
     * As {@link #rrsetAt}, for an RRset owned by the label at {@code src[labelAt..]} (length octet
     * first) under the name already written at {@code parentAt}, whose uncompressed length is
     * {@code parentLength}: the first owner is the label and a pointer to the parent, the others
     * point at it. This is what {@link #rrset} writes when no name in the message ends with the
     * owner and the first name equal to the parent is the one at {@code parentAt}.
     *
     * @return where the owner was written, for the owner of its RRSIGs; -1 when it does not fit
     */
    public int rrsetUnder(int section, MemorySegment src, long labelAt, int parentAt, int parentLength, int type,
                          long ttl, long records, int count, int length) {
        int labelLength = (src.get(ValueLayout.JAVA_BYTE, labelAt) & 0xff) + 1;
        if (!fits(labelLength + pointedRRsetLength(count, length))) {
            return -1;
        }
        int ownerAt = pos;
        compressor.add(ownerAt, labelLength + parentLength);
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, labelAt, out, pos, labelLength);
        int p = putShort(pos + labelLength, 0xC000 | parentAt);
        p = recordFields(p, type, ttl, src, records);
        long next = records + 2 + (src.get(U16, records) & 0xffff);
        pos = pointedRecords(ownerAt, type, ttl, src, next, count - 1, p);
        counts[section] += count;
        return ownerAt;
    }

    /** Writes {@code count} records owned by a pointer to {@code ownerAt}, from {@code p}; the position after them. */
    private int pointedRecords(int ownerAt, int type, long ttl, MemorySegment src, long records, int count, int p) {
        long r = records;
        for (int i = 0; i < count; i++) {
            p = recordFields(putShort(p, 0xC000 | ownerAt), type, ttl, src, r);
            r += 2 + (src.get(U16, r) & 0xffff);
        }
        return p;
    }

    /** Type, class IN, TTL and the record at {@code src[record..]} (rdata length and rdata), from {@code p}. */
    private int recordFields(int p, int type, long ttl, MemorySegment src, long record) {
        int length = 2 + (src.get(U16, record) & 0xffff);
        p = putShort(p, type);
        p = putShort(p, CLASS_IN);
        p = putInt(p, ttl);
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, record, out, p, length);
        return p + length;
    }

    /** Where the message ends now, for {@link #rewind}. */
    public long mark() {
        return (long) compressor.mark() << 32 | pos;
    }

    /**
     * Takes back what was written since {@code mark}: {@code records} records of {@code section}
     * (an RRset whose signatures did not fit after it, RFC 4035 §3.1.1).
     */
    public void rewind(long mark, int section, int records) {
        pos = (int) mark;
        compressor.rollback((int) (mark >>> 32));
        counts[section] -= records;
    }

    /** Writes one record, or nothing when it does not fit. */
    public boolean record(int section, byte[] owner, int ownerOff, int type, int rrclass, long ttl,
                          byte[] rdata, int rdataOff, int rdataLen) {
        int startPos = pos;
        int startMark = compressor.mark();
        if (!writeRecord(owner, ownerOff, type, rrclass, ttl, rdata, rdataOff, rdataLen)) {
            pos = startPos;
            compressor.rollback(startMark);
            return false;
        }
        counts[section]++;
        return true;
    }

    private boolean writeRecord(byte[] owner, int ownerOff, int type, int rrclass, long ttl,
                                byte[] rdata, int rdataOff, int rdataLen) {
        int p = pos;
        if (ownerOff == OWNER_QNAME) {
            if (p + 2 > limit) {
                return false;
            }
            p = putShort(p, QNAME_POINTER);
        } else {
            p = compressor.write(out, p, limit, owner, ownerOff);
            if (p < 0) {
                return false;
            }
        }
        if (p + 10 > limit) {
            return false;
        }
        p = putShort(p, type);
        p = putShort(p, rrclass);
        p = putInt(p, ttl);
        int rdlengthAt = p;
        p += 2;
        p = writeRdata(p, type, rdata, rdataOff, rdataLen);
        if (p < 0) {
            return false;
        }
        putShort(rdlengthAt, p - rdlengthAt - 2);
        pos = p;
        return true;
    }

    /**
     * RFC 3597 §4: only the RFC 1035 types may have the names in their rdata compressed; all
     * others are copied as they are.
     */
    private int writeRdata(int p, int type, byte[] rdata, int off, int len) {
        if (!compressesRdata(type)) {
            if (p + len > limit) {
                return -1;
            }
            System.arraycopy(rdata, off, out, p, len);
            return p + len;
        }
        switch (type) {
            case TYPE_MX: {
                if (p + 2 > limit) {
                    return -1;
                }
                out[p] = rdata[off];
                out[p + 1] = rdata[off + 1];
                return compressor.write(out, p + 2, limit, rdata, off + 2);
            }
            case TYPE_SOA, 14 /* MINFO */: {
                int second = off + WireNames.length(rdata, off);
                p = compressor.write(out, p, limit, rdata, off);
                if (p < 0) {
                    return -1;
                }
                p = compressor.write(out, p, limit, rdata, second);
                if (p < 0) {
                    return -1;
                }
                int restOff = second + WireNames.length(rdata, second);
                int rest = off + len - restOff;
                if (p + rest > limit) {
                    return -1;
                }
                System.arraycopy(rdata, restOff, out, p, rest);
                return p + rest;
            }
            default:
                // NS, CNAME, PTR, MD, MF, MB, MG, MR: the rdata is one name.
                return compressor.write(out, p, limit, rdata, off);
        }
    }

    /** Whether the names in this type's rdata are compressed: the RFC 1035 types that hold names (RFC 3597 §4). */
    public static boolean compressesRdata(int type) {
        return switch (type) {
            case TYPE_NS, TYPE_CNAME, TYPE_PTR, 3 /* MD */, 4 /* MF */, 7 /* MB */, 8 /* MG */, 9 /* MR */,
                 TYPE_MX, TYPE_SOA, 14 /* MINFO */ -> true;
            default -> false;
        };
    }

    /** For {@link #opt}: no Extended DNS Error option. */
    public static final int NO_EXTENDED_ERROR = -1;

    /**
     * Appends the OPT pseudo-record (RFC 6891 §6.1.2) in the room {@link #reserveOpt} kept, or,
     * in a response of no records, wherever the message ends.
     *
     * @param nsid the RFC 5001 NSID option's payload, or null for none
     * @param extendedError the RFC 8914 INFO-CODE, or {@link #NO_EXTENDED_ERROR}
     */
    public void opt(int udpSize, int extendedRcode, boolean dnssecOk, byte[] nsid, int extendedError) {
        int p = pos;
        out[p++] = 0; // root owner
        p = putShort(p, TYPE_OPT);
        p = putShort(p, udpSize);
        out[p++] = (byte) extendedRcode;
        out[p++] = 0; // version 0
        p = putShort(p, dnssecOk ? EDNS_FLAG_DO : 0);
        int rdlengthAt = p;
        p += 2;
        if (nsid != null) {
            p = putShort(p, EDNS_OPTION_NSID);
            p = putShort(p, nsid.length);
            System.arraycopy(nsid, 0, out, p, nsid.length);
            p += nsid.length;
        }
        if (extendedError != NO_EXTENDED_ERROR) {
            p = putShort(p, EDNS_OPTION_EDE);
            p = putShort(p, 2);
            p = putShort(p, extendedError);
        }
        if (keepalive != NO_KEEPALIVE) {
            p = putShort(p, EDNS_OPTION_TCP_KEEPALIVE);
            p = putShort(p, 2);
            p = putShort(p, keepalive);
        }
        putShort(rdlengthAt, p - rdlengthAt - 2);
        pos = p;
        counts[ADDITIONAL]++;
    }

    /**
     * Appends an unsigned TSIG record that reports a TSIG error (RFC 8945 §5.3.2): key and
     * algorithm names, time signed and fudge as in the request, no MAC, the request's original ID.
     * Written last, after OPT (RFC 8945 §5.1).
     *
     * @param request the query; {@code timeAt} is where its time signed and fudge are
     */
    public void tsigError(byte[] keyName, int keyLength, byte[] request, int algorithmAt, int algorithmLength,
                          int timeAt, int originalIdAt, int error) {
        int p = pos;
        System.arraycopy(keyName, 0, out, p, keyLength);
        p += keyLength;
        p = putShort(p, TYPE_TSIG);
        p = putShort(p, CLASS_ANY);
        p = putInt(p, 0);
        int rdlengthAt = p;
        p += 2;
        System.arraycopy(request, algorithmAt, out, p, algorithmLength);
        p += algorithmLength;
        System.arraycopy(request, timeAt, out, p, 8);
        p += 8;
        p = putShort(p, 0); // MAC size
        out[p++] = request[originalIdAt];
        out[p++] = request[originalIdAt + 1];
        p = putShort(p, error);
        p = putShort(p, 0); // other length
        putShort(rdlengthAt, p - rdlengthAt - 2);
        pos = p;
        counts[ADDITIONAL]++;
    }

    /**
     * Writes the header and returns the message length.
     *
     * @param flags the second header word without the rcode (QR, opcode, AA, TC, RD, RA, CD...)
     * @param qdcount 1 when {@link #question} was written, else 0
     */
    public int finish(int id, int flags, int rcode, int qdcount) {
        putShort(0, id);
        putShort(2, flags | (rcode & 0xF));
        putShort(4, qdcount);
        putShort(6, counts[ANSWER]);
        putShort(8, counts[AUTHORITY]);
        putShort(10, counts[ADDITIONAL]);
        return pos;
    }

    private int putShort(int p, int v) {
        out[p] = (byte) (v >>> 8);
        out[p + 1] = (byte) v;
        return p + 2;
    }

    private int putInt(int p, long v) {
        out[p] = (byte) (v >>> 24);
        out[p + 1] = (byte) (v >>> 16);
        out[p + 2] = (byte) (v >>> 8);
        out[p + 3] = (byte) v;
        return p + 4;
    }
}
