package io.hpdns.zonefile;

import java.util.Arrays;

/**
 * Decodes the base 16, base 64 and base 32 "extended hex" encodings of RFC 4648, which DNSSEC and
 * other rdata use in presentation form, over one or more tokens (a key or signature is often split
 * over several), straight into the rdata buffer.
 */
final class BinaryDecoder {
    static final int BASE16 = 4;
    static final int BASE32HEX = 5;
    static final int BASE64 = 6;

    private static final byte[] BASE64_VALUES =
            values("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", false);
    private static final byte[] BASE32HEX_VALUES = values("0123456789ABCDEFGHIJKLMNOPQRSTUV", true);
    private static final byte[] BASE16_VALUES = values("0123456789ABCDEF", true);

    private int bitsPerChar;
    private RdataBuffer out;
    private int acc;
    private int bits;
    private int chars;
    private int padding;
    private int start;

    void start(int bitsPerChar, RdataBuffer out) {
        this.bitsPerChar = bitsPerChar;
        this.out = out;
        acc = 0;
        bits = 0;
        chars = 0;
        padding = 0;
        start = out.position();
    }

    void decode(byte[] text, int from, int to, String what) throws ScanException {
        byte[] values = bitsPerChar == BASE64 ? BASE64_VALUES : bitsPerChar == BASE32HEX ? BASE32HEX_VALUES
                : BASE16_VALUES;
        for (int p = from; p < to; p++) {
            int c = text[p] & 0xff;
            if (c == '=' && bitsPerChar != BASE16) {
                padding++;
                continue;
            }
            int v = c < 128 ? values[c] : -1;
            if (v < 0 || padding > 0) {
                throw new ScanException(what + " is not valid " + name() + ": " + Printable.of(text, from, to));
            }
            chars++;
            acc = (acc << bitsPerChar) | v;
            bits += bitsPerChar;
            if (bits >= 8) {
                bits -= 8;
                out.u8(acc >>> bits);
                acc &= (1 << bits) - 1;
            }
        }
    }

    /** Checks the text ended where a whole number of octets does; returns the octets decoded. */
    int finish(String what) throws ScanException {
        boolean whole = switch (bitsPerChar) {
            case BASE16 -> chars % 2 == 0;
            // dnsjava, like BIND, wants base 64 padded to a multiple of four characters.
            case BASE64 -> (chars + padding) % 4 == 0 && padding <= 2 && acc == 0;
            default -> acc == 0 && chars % 8 != 1 && chars % 8 != 3 && chars % 8 != 6;
        };
        if (!whole) {
            throw new ScanException(what + " is not valid " + name() + ": it ends within an octet");
        }
        return out.position() - start;
    }

    private String name() {
        return switch (bitsPerChar) {
            case BASE16 -> "hexadecimal";
            case BASE64 -> "base 64";
            default -> "base 32";
        };
    }

    /** Each character's value; with {@code anyCase}, in either letter case. */
    private static byte[] values(String alphabet, boolean anyCase) {
        byte[] values = new byte[128];
        Arrays.fill(values, (byte) -1);
        for (int i = 0; i < alphabet.length(); i++) {
            char c = alphabet.charAt(i);
            values[c] = (byte) i;
            if (anyCase) {
                values[Character.toLowerCase(c)] = (byte) i;
            }
        }
        return values;
    }
}
