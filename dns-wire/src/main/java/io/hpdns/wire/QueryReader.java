package io.hpdns.wire;

import static io.hpdns.wire.DnsConstants.*;

/**
 * Reads a query message in place (RFC 1035 §4.1): header, the one question, and the OPT record
 * (RFC 6891) from the additional section. Other records are only checked for being well formed.
 * No objects are made; the fields are valid until the next {@link #read}.
 */
public final class QueryReader {
    /** The query can be answered. */
    public static final int OK = 0;
    /** Not worth a response: shorter than a header, or a response itself (RFC 1035 §4.1.1 QR). */
    public static final int DROP = 1;
    /** Malformed after a readable header: answer FORMERR. */
    public static final int FORMERR = 2;

    private final byte[] qnameLower = new byte[MAX_NAME_LENGTH];
    private final int[] labelStarts = new int[MAX_NAME_LENGTH / 2 + 2];

    private byte[] message;
    private int id;
    private int flags;
    private boolean questionRead;
    private int qnameLen;
    private int labelCount;
    private int qtype;
    private int qclass;
    private boolean edns;
    private int ednsUdpSize;
    private int ednsVersion;
    private boolean dnssecOk;
    private boolean nsidRequested;
    private boolean keepaliveRequested;
    private boolean tsig;
    private final byte[] tsigKeyName = new byte[MAX_NAME_LENGTH];
    private int tsigKeyLength;
    private int tsigAlgorithm;
    private int tsigAlgorithmLength;
    private int tsigOriginalIdAt;
    private int tsigRecordAt;

    /** Reads {@code msg[0..len)}; returns {@link #OK}, {@link #DROP} or {@link #FORMERR}. */
    public int read(byte[] msg, int len) {
        message = msg;
        tsig = false;
        questionRead = false;
        edns = false;
        dnssecOk = false;
        nsidRequested = false;
        keepaliveRequested = false;
        if (len < HEADER_SIZE) {
            return DROP;
        }
        id = u16(msg, 0);
        flags = u16(msg, 2);
        if ((flags & FLAG_QR) != 0) {
            return DROP;
        }
        int qdcount = u16(msg, 4);
        if (qdcount > 1) {
            return FORMERR;
        }
        int p = HEADER_SIZE;
        if (qdcount == 1) {
            p = readQuestion(msg, len);
            if (p < 0) {
                return FORMERR;
            }
        }
        int ancount = u16(msg, 6);
        int nscount = u16(msg, 8);
        int arcount = u16(msg, 10);
        // RFC 6891 §6.1.1: OPT may appear only once, and only in the additional section.
        for (int i = 0; i < ancount + nscount; i++) {
            p = skipRecord(msg, p, len, false);
            if (p < 0) {
                return FORMERR;
            }
        }
        for (int i = 0; i < arcount; i++) {
            // RFC 8945 §5.1: a TSIG record must be the last one of the message.
            if (tsig) {
                return FORMERR;
            }
            p = skipRecord(msg, p, len, true);
            if (p < 0) {
                return FORMERR;
            }
        }
        if (p != len) {
            return FORMERR;
        }
        // RFC 1035 §4.1.2: a query asks exactly one question.
        return qdcount == 1 ? OK : FORMERR;
    }

    private int readQuestion(byte[] msg, int len) {
        int p = HEADER_SIZE;
        int q = 0;
        int labels = 0;
        while (true) {
            if (p >= len) {
                return -1;
            }
            int labelLen = msg[p] & 0xff;
            if (labelLen == 0) {
                break;
            }
            // The question is the first name of the message, so a pointer in it can only be bogus;
            // 0x40 and 0x80 are obsolete extended label types (RFC 6891 §5).
            if (labelLen > MAX_LABEL_LENGTH || p + 1 + labelLen >= len || q + labelLen + 2 > MAX_NAME_LENGTH) {
                return -1;
            }
            labelStarts[labels++] = q;
            qnameLower[q++] = (byte) labelLen;
            p++;
            for (int i = 0; i < labelLen; i++) {
                qnameLower[q++] = (byte) WireNames.lower(msg[p++]);
            }
        }
        qnameLower[q++] = 0;
        labelStarts[labels] = q - 1;
        p++;
        if (p + 4 > len) {
            return -1;
        }
        qnameLen = q;
        labelCount = labels;
        qtype = u16(msg, p);
        qclass = u16(msg, p + 2);
        questionRead = true;
        return p + 4;
    }

    private int skipRecord(byte[] msg, int p, int len, boolean additional) {
        int owner = p;
        p = skipName(msg, p, len);
        if (p < 0 || p + 10 > len) {
            return -1;
        }
        int type = u16(msg, p);
        int rdlength = u16(msg, p + 8);
        int rdata = p + 10;
        if (rdata + rdlength > len) {
            return -1;
        }
        if (type == TYPE_OPT && !readOpt(msg, p, rdata, rdlength, additional)) {
            return -1;
        }
        if (type == TYPE_TSIG && !readTsig(msg, owner, rdata, rdlength, additional)) {
            return -1;
        }
        return rdata + rdlength;
    }

    private boolean readOpt(byte[] msg, int typeAt, int rdata, int rdlength, boolean additional) {
        // RFC 6891 §6.1.1: one OPT, in the additional section. Its owner should be the root; like
        // Knot DNS, another owner is tolerated rather than failing the query.
        if (!additional) {
            return false;
        }
        if (edns) {
            // RFC 6891 §6.1.1: FORMERR, and with two OPTs there is no one to echo.
            edns = false;
            return false;
        }
        edns = true;
        ednsUdpSize = u16(msg, typeAt + 2);
        ednsVersion = msg[typeAt + 5] & 0xff;
        dnssecOk = (u16(msg, typeAt + 6) & EDNS_FLAG_DO) != 0;
        int p = rdata;
        int end = rdata + rdlength;
        while (p < end) {
            if (p + 4 > end) {
                return false;
            }
            int code = u16(msg, p);
            int optLen = u16(msg, p + 2);
            p += 4 + optLen;
            if (p > end) {
                return false;
            }
            if (code == EDNS_OPTION_NSID) {
                nsidRequested = true;
            } else if (code == EDNS_OPTION_TCP_KEEPALIVE) {
                keepaliveRequested = true;
            }
        }
        return true;
    }

    /**
     * Checks a TSIG record's layout (RFC 8945 §4.2) and keeps what an error response must echo: the
     * key name (decompressed), the algorithm name and the request's time, fudge and original ID.
     */
    private boolean readTsig(byte[] msg, int owner, int rdata, int rdlength, boolean additional) {
        if (!additional) {
            return false;
        }
        int end = rdata + rdlength;
        tsigKeyLength = decompress(msg, end, owner, tsigKeyName);
        int algorithmEnd = skipName(msg, rdata, end);
        if (tsigKeyLength < 0 || algorithmEnd < 0 || msg[algorithmEnd - 1] != 0 || algorithmEnd + 10 > end) {
            return false; // a compressed algorithm name is not allowed either
        }
        int macSize = u16(msg, algorithmEnd + 8);
        int originalIdAt = algorithmEnd + 10 + macSize;
        if (originalIdAt + 6 > end || originalIdAt + 6 + u16(msg, originalIdAt + 4) != end) {
            return false;
        }
        tsig = true;
        tsigAlgorithm = rdata;
        tsigAlgorithmLength = algorithmEnd - rdata;
        tsigOriginalIdAt = originalIdAt;
        tsigRecordAt = owner;
        return true;
    }

    /** Copies the possibly compressed name at {@code off} into {@code to}; its length, or -1. */
    private static int decompress(byte[] msg, int len, int off, byte[] to) {
        int p = off;
        int q = 0;
        for (int jumps = 0; jumps < MAX_NAME_LENGTH && p < len; ) {
            int labelLen = msg[p] & 0xff;
            if ((labelLen & 0xC0) == 0xC0) {
                if (p + 1 >= len) {
                    return -1;
                }
                p = ((labelLen & 0x3F) << 8) | (msg[p + 1] & 0xff);
                jumps++;
                continue;
            }
            if (labelLen > MAX_LABEL_LENGTH || q + labelLen + 1 > MAX_NAME_LENGTH || p + labelLen >= len) {
                return -1;
            }
            System.arraycopy(msg, p, to, q, labelLen + 1);
            q += labelLen + 1;
            if (labelLen == 0) {
                return q;
            }
            p += labelLen + 1;
        }
        return -1;
    }

    private static int skipName(byte[] msg, int p, int len) {
        int seen = 0;
        while (p < len) {
            int labelLen = msg[p] & 0xff;
            if (labelLen == 0) {
                return p + 1;
            }
            if ((labelLen & 0xC0) == 0xC0) {
                return p + 2 <= len ? p + 2 : -1;
            }
            if (labelLen > MAX_LABEL_LENGTH) {
                return -1;
            }
            seen += labelLen + 1;
            if (seen > MAX_NAME_LENGTH) {
                return -1;
            }
            p += labelLen + 1;
        }
        return -1;
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }

    public int id() { return id; }

    /** The second header word: QR, opcode, AA, TC, RD, RA, Z, AD, CD and rcode. */
    public int flags() { return flags; }

    public int opcode() { return (flags & OPCODE_MASK) >>> OPCODE_SHIFT; }

    /** Whether the question was read (it can be echoed even in an error response). */
    public boolean questionRead() { return questionRead; }

    /** The message last read; the question name in the client's letter case starts at offset 12. */
    public byte[] qnameSource() { return message; }

    /** The question name lowercased, uncompressed; see {@link #qnameLength()}. */
    public byte[] qnameLower() { return qnameLower; }

    /** Length of the question name in octets, root label included. */
    public int qnameLength() { return qnameLen; }

    public int labelCount() { return labelCount; }

    /** Offsets of the labels in {@link #qnameLower()}; entry {@code labelCount} is the root label. */
    public int[] labelStarts() { return labelStarts; }

    public int qtype() { return qtype; }

    public int qclass() { return qclass; }

    /** Whether the query carried an OPT whose fixed fields could be read (its options may still be bad). */
    public boolean edns() { return edns; }

    public int ednsUdpSize() { return ednsUdpSize; }

    public int ednsVersion() { return ednsVersion; }

    public boolean dnssecOk() { return dnssecOk; }

    public boolean nsidRequested() { return nsidRequested; }

    /** Whether the OPT carried the RFC 7828 edns-tcp-keepalive option. */
    public boolean keepaliveRequested() { return keepaliveRequested; }

    /** Whether the query is signed with TSIG (RFC 8945); the accessors below describe the record. */
    public boolean tsig() { return tsig; }

    /** The TSIG key name, uncompressed, in {@code tsigKeyName()[0..tsigKeyLength())}. */
    public byte[] tsigKeyName() { return tsigKeyName; }

    public int tsigKeyLength() { return tsigKeyLength; }

    /** Offset in {@link #qnameSource()} of the TSIG algorithm name, which is never compressed. */
    public int tsigAlgorithm() { return tsigAlgorithm; }

    public int tsigAlgorithmLength() { return tsigAlgorithmLength; }

    /** Offset in {@link #qnameSource()} of the time signed (6 octets) and fudge (2 octets). */
    public int tsigTimeSigned() { return tsigAlgorithm + tsigAlgorithmLength; }

    /**
     * Offset of the TSIG record's owner name: the message before it, with ARCOUNT one less, is the
     * unsigned message (RFC 8945 §4.3.1).
     */
    public int tsigRecordStart() { return tsigRecordAt; }

    /** Offset in {@link #qnameSource()} of the TSIG original ID (2 octets). */
    public int tsigOriginalId() { return tsigOriginalIdAt; }
}
