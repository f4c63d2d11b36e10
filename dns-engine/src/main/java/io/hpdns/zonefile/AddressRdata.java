package io.hpdns.zonefile;

/** Rdata that is an address: A (RFC 1035 §3.4.1), AAAA (RFC 3596 §2.2), EUI48 and EUI64 (RFC 7043). */
final class AddressRdata {
    private AddressRdata() {}

    static void a(Fields f) throws ScanException {
        f.word("an IPv4 address");
        if (!ipv4(f.text(), f.start(), f.end(), f.out)) {
            throw new ScanException("bad IPv4 address " + f.token());
        }
    }

    /**
     * Dotted decimal, four octets, none with a leading zero (dnsjava's rule: 010 could be read as
     * octal or decimal, so it is neither); the address as a number, or -1.
     */
    private static long ipv4(byte[] text, int from, int to) {
        int octets = 0;
        long address = 0;
        int value = 0;
        int digits = 0;
        for (int p = from; p <= to; p++) {
            int c = p == to ? '.' : text[p];
            if (c == '.') {
                if (digits == 0 || octets == 4) {
                    return -1;
                }
                address = address << 8 | value;
                octets++;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3 && !(digits > 0 && value == 0)) {
                value = value * 10 + c - '0';
                digits++;
                if (value > 255) {
                    return -1;
                }
            } else {
                return -1;
            }
        }
        return octets == 4 ? address : -1;
    }

    static void aaaa(Fields f) throws ScanException {
        f.word("an IPv6 address");
        if (!ipv6(f.text(), f.start(), f.end(), f.out)) {
            throw new ScanException("bad IPv6 address " + f.token());
        }
    }

    /** An IPv4 address of {@code text[from..to)} written to {@code out}; false if it is not one. */
    static boolean ipv4(byte[] text, int from, int to, RdataBuffer out) {
        long v = ipv4(text, from, to);
        if (v >= 0) {
            out.u32(v);
        }
        return v >= 0;
    }

    /**
     * RFC 4291 §2.2: eight groups of hex, "::" for a run of zero groups, an IPv4 address last,
     * written to {@code out}; false, with something written, if the text is not one. The groups
     * are written as they are read, and the zeros of "::" put in at its place at the end.
     */
    static boolean ipv6(byte[] text, int from, int to, RdataBuffer out) {
        int first = out.position();
        int count = 0;
        int gap = -1;
        int p = from;
        if (to - p >= 2 && text[p] == ':' && text[p + 1] == ':') {
            gap = 0;
            p += 2;
        }
        while (p < to) {
            int q = p;
            int value = 0;
            while (q < to && q - p < 4 && hex(text[q]) >= 0) {
                value = value << 4 | hex(text[q++]);
            }
            if (q < to && text[q] == '.') {
                // RFC 4291 §2.2 item 3: an IPv4 address in the last 32 bits.
                long v4 = ipv4(text, p, to);
                if (v4 < 0 || count > 6) {
                    return false;
                }
                out.u32(v4);
                count += 2;
                break;
            }
            if (q == p || count == 8) {
                return false;
            }
            out.u16(value);
            count++;
            if (q == to) {
                break;
            }
            if (text[q] != ':' || q + 1 == to) {
                return false;
            }
            p = q + 1;
            if (text[p] == ':') {
                if (gap >= 0) {
                    return false;
                }
                gap = count;
                p++;
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return false;
        }
        if (gap >= 0) {
            out.insertZeros(first + 2 * gap, 2 * (8 - count));
        }
        return true;
    }

    /** RFC 7043 §3.2 and §4.2: six or eight pairs of hex digits joined by hyphens. */
    static void eui(Fields f, int octets) throws ScanException {
        f.word("an EUI-" + octets * 8 + " address");
        byte[] text = f.text();
        int from = f.start();
        if (f.end() - from != octets * 3 - 1) {
            throw badEui(f, octets);
        }
        for (int i = 0; i < octets; i++) {
            int p = from + i * 3;
            int hi = hex(text[p]);
            int lo = hex(text[p + 1]);
            if (hi < 0 || lo < 0 || (i < octets - 1 && text[p + 2] != '-')) {
                throw badEui(f, octets);
            }
            f.out.u8(hi << 4 | lo);
        }
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int l = c | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    private static ScanException badEui(Fields f, int octets) {
        return new ScanException("bad EUI" + octets * 8 + " address " + f.token() + ": " + octets
                + " pairs of hex digits joined by '-' expected (RFC 7043)");
    }
}
