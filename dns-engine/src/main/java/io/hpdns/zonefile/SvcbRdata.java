package io.hpdns.zonefile;

import java.util.Arrays;

/**
 * SVCB and HTTPS (RFC 9460 §2.1): a SvcPriority, a TargetName, and SvcParams written
 * {@code key=value} in any order, put in the wire form in increasing key order (§2.2). The keys
 * and value formats are those dnsjava reads: mandatory, alpn, no-default-alpn, port, ipv4hint,
 * ech (or echconfig) and ipv6hint by name, any key as {@code keyNNNNN}, its value as octets.
 * Reused from record to record.
 */
final class SvcbRdata {
    private static final String[] NAMES = {"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech",
        "ipv6hint"};
    private static final int MANDATORY = 0;
    private static final int ALPN = 1;
    private static final int NO_DEFAULT_ALPN = 2;
    private static final int PORT = 3;
    private static final int IPV4HINT = 4;
    private static final int ECH = 5;
    private static final int IPV6HINT = 6;

    /** The keys of the record's SvcParams in the order written, and where each starts in the buffer. */
    private int[] keys = new int[8];
    private int[] starts = new int[8];
    private byte[] scratch = new byte[256];

    void read(Fields f) throws ScanException {
        RdataBuffer out = f.out;
        long priority = f.unsigned("a SvcPriority", 0xFFFF);
        out.u16((int) priority);
        f.name("a TargetName", true);
        int first = out.position();
        int count = 0;
        boolean sorted = true;
        while (f.more()) {
            byte[] text = f.text();
            int from = f.start();
            int to = f.end();
            int equals = indexOf(text, from, to, '=');
            if (equals == from) {
                throw new ScanException("expected a SvcParam key=value, found " + f.token());
            }
            int keyTo = equals < 0 ? to : equals;
            int key = key(text, from, keyTo);
            if (key < 0) {
                throw new ScanException("unknown SvcParamKey " + Printable.of(text, from, keyTo));
            }
            for (int i = 0; i < count; i++) {
                if (keys[i] == key) {
                    throw new ScanException("SvcParamKey " + Printable.of(text, from, keyTo) + " given twice");
                }
            }
            int valueFrom = equals < 0 ? to : equals + 1;
            int valueTo = to;
            if (equals == to - 1) {
                // "key=" then the value as the next token, typically quoted.
                f.string("a value for " + Printable.of(text, from, keyTo));
                text = f.text();
                valueFrom = f.start();
                valueTo = f.end();
            }
            if (count == keys.length) {
                keys = Arrays.copyOf(keys, count * 2);
                starts = Arrays.copyOf(starts, count * 2);
            }
            sorted &= count == 0 || key > keys[count - 1];
            keys[count] = key;
            starts[count++] = out.position();
            out.u16(key);
            int lengthAt = out.position();
            out.u16(0);
            value(f, key, text, valueFrom, valueTo);
            int length = out.position() - lengthAt - 2;
            out.u8At(lengthAt, length >>> 8);
            out.u8At(lengthAt + 1, length);
        }
        if (priority == 0 && count > 0) {
            throw new ScanException("SvcParams in AliasMode (SvcPriority 0), which has none (RFC 9460 §2.4.2)");
        }
        checkMandatory(out, count);
        if (!sorted) {
            sort(out, first, count);
        }
    }

    private void value(Fields f, int key, byte[] text, int from, int to) throws ScanException {
        RdataBuffer out = f.out;
        if (key == NO_DEFAULT_ALPN || key > IPV6HINT) {
            if (key == NO_DEFAULT_ALPN && from < to) {
                throw new ScanException("no-default-alpn takes no value");
            }
            CharacterStrings.decode(text, from, to, out);
            return;
        }
        if (from == to) {
            throw new ScanException("SvcParamKey " + NAMES[key] + " needs a value");
        }
        switch (key) {
            case MANDATORY, ALPN -> {
                // Comma-separated, a comma escaped as "\," within an item (RFC 9460 Appendix A.1).
                int itemFrom = from;
                for (int p = from; p <= to; p++) {
                    if (p == to || (text[p] == ',' && (p == from || text[p - 1] != '\\'))) {
                        item(out, key, text, itemFrom, p, from);
                        itemFrom = p + 1;
                    }
                }
            }
            case PORT -> {
                long port = Numbers.unsigned(text, from, to, 0xFFFF);
                if (port < 0) {
                    throw new ScanException("bad port " + Printable.of(text, from, to));
                }
                out.u16((int) port);
            }
            case IPV4HINT, IPV6HINT -> {
                int itemFrom = from;
                for (int p = from; p <= to; p++) {
                    if (p == to || text[p] == ',') {
                        boolean ok = key == IPV4HINT ? AddressRdata.ipv4(text, itemFrom, p, out)
                                : AddressRdata.ipv6(text, itemFrom, p, out);
                        if (!ok) {
                            throw new ScanException("bad address " + Printable.of(text, itemFrom, p) + " in "
                                    + NAMES[key]);
                        }
                        itemFrom = p + 1;
                    }
                }
            }
            default -> f.base64(NAMES[ECH], text, from, to);
        }
    }

    /** One item of a mandatory or alpn list, starting at {@code from} within the value at {@code valueFrom}. */
    private static void item(RdataBuffer out, int key, byte[] text, int from, int to, int valueFrom)
            throws ScanException {
        if (key == ALPN) {
            int lengthAt = out.position();
            out.u8(0);
            int n = CharacterStrings.decode(text, from, to, out);
            if (n > 255) {
                throw new ScanException("an alpn-id longer than 255 octets");
            }
            out.u8At(lengthAt, n);
            return;
        }
        int listed = key(text, from, to);
        if (listed < 0) {
            throw new ScanException("unknown SvcParamKey " + Printable.of(text, from, to) + " in mandatory");
        }
        if (listed == MANDATORY) {
            throw new ScanException("mandatory lists itself (RFC 9460 §8)");
        }
        out.u16(listed);
    }

    /** RFC 9460 §8: every key that mandatory lists must be in the record, and listed once. */
    private void checkMandatory(RdataBuffer out, int count) throws ScanException {
        for (int i = 0; i < count; i++) {
            if (keys[i] != MANDATORY) {
                continue;
            }
            byte[] b = out.array();
            int length = (b[starts[i] + 2] & 0xff) << 8 | b[starts[i] + 3] & 0xff;
            for (int p = starts[i] + 4; p < starts[i] + 4 + length; p += 2) {
                int listed = (b[p] & 0xff) << 8 | b[p + 1] & 0xff;
                for (int q = starts[i] + 4; q < p; q += 2) {
                    if (((b[q] & 0xff) << 8 | b[q + 1] & 0xff) == listed) {
                        throw new ScanException("mandatory lists key" + listed + " twice");
                    }
                }
                boolean present = false;
                for (int k = 0; k < count; k++) {
                    present |= keys[k] == listed;
                }
                if (!present) {
                    throw new ScanException("mandatory lists key" + listed + ", which the record does not have");
                }
            }
        }
    }

    /** Rewrites the SvcParams from {@code first} on in increasing key order. */
    private void sort(RdataBuffer out, int first, int count) {
        int end = out.position();
        int length = end - first;
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        System.arraycopy(out.array(), first, scratch, 0, length);
        out.truncate(first);
        int previous = -1;
        for (int n = 0; n < count; n++) {
            int next = -1;
            for (int i = 0; i < count; i++) {
                if (keys[i] > previous && (next < 0 || keys[i] < keys[next])) {
                    next = i;
                }
            }
            int paramEnd = next + 1 < count ? starts[next + 1] : end;
            out.bytes(scratch, starts[next] - first, paramEnd - starts[next]);
            previous = keys[next];
        }
    }

    /** A SvcParamKey by name or as keyNNNNN, ignoring case, or -1. */
    private static int key(byte[] text, int from, int to) {
        for (int k = 0; k < NAMES.length; k++) {
            if (equalsLower(NAMES[k], text, from, to)) {
                return k;
            }
        }
        if (equalsLower("echconfig", text, from, to)) {
            return ECH;
        }
        if (to - from > 3 && equalsLower("key", text, from, from + 3)) {
            return (int) Numbers.unsigned(text, from + 3, to, 0xFFFF);
        }
        return (int) Numbers.unsigned(text, from, to, 0xFFFF);
    }

    private static boolean equalsLower(String s, byte[] text, int from, int to) {
        if (to - from != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.toLowerCase((char) (text[from + i] & 0xff)) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] text, int from, int to, int c) {
        for (int p = from; p < to; p++) {
            if (text[p] == c) {
                return p;
            }
        }
        return -1;
    }
}
