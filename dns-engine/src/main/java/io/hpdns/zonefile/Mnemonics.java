package io.hpdns.zonefile;

import java.nio.charset.StandardCharsets;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * RR type and class names, looked up straight from a token's bytes, ignoring case. The type names
 * are dnsjava's, so that this reads every type name dnsjava reads, and RFC 3597 §5's
 * {@code TYPEnnn} and {@code CLASSnnn} forms.
 */
final class Mnemonics {
    private static final byte[][] TYPE_KEYS;
    private static final int[] TYPE_VALUES;
    private static final int MASK;
    private static final byte[][] CLASS_KEYS = {ascii("IN"), ascii("CH"), ascii("CHAOS"), ascii("HS"),
        ascii("HESIOD"), ascii("NONE"), ascii("ANY")};
    private static final int[] CLASS_VALUES = {DClass.IN, DClass.CH, DClass.CH, DClass.HS, DClass.HS, DClass.NONE,
        DClass.ANY};

    static {
        int size = 1024;
        MASK = size - 1;
        TYPE_KEYS = new byte[size][];
        TYPE_VALUES = new int[size];
        for (int t = 0; t <= 0xFFFF; t++) {
            String name = Type.string(t);
            if (!name.startsWith("TYPE")) {
                byte[] key = name.getBytes(StandardCharsets.US_ASCII);
                int slot = hash(key, 0, key.length) & MASK;
                while (TYPE_KEYS[slot] != null) {
                    slot = (slot + 1) & MASK;
                }
                TYPE_KEYS[slot] = key;
                TYPE_VALUES[slot] = t;
            }
        }
    }

    private Mnemonics() {}

    /** The type named by {@code text[from..to)}, or -1. */
    static int type(byte[] text, int from, int to) {
        int slot = hash(text, from, to) & MASK;
        byte[] key;
        while ((key = TYPE_KEYS[slot]) != null) {
            if (equalsUpper(key, text, from, to)) {
                return TYPE_VALUES[slot];
            }
            slot = (slot + 1) & MASK;
        }
        return prefixed("TYPE", text, from, to);
    }

    /** The class named by {@code text[from..to)} (RFC 1035 §3.2.4, RFC 3597 §5), or -1. */
    static int dclass(byte[] text, int from, int to) {
        for (int i = 0; i < CLASS_KEYS.length; i++) {
            if (equalsUpper(CLASS_KEYS[i], text, from, to)) {
                return CLASS_VALUES[i];
            }
        }
        return prefixed("CLASS", text, from, to);
    }

    /** {@code PREFIXnnn} with nnn at most 65535, or -1. */
    private static int prefixed(String prefix, byte[] text, int from, int to) {
        int n = prefix.length();
        if (to - from <= n) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            if ((text[from + i] & 0xdf) != prefix.charAt(i)) {
                return -1;
            }
        }
        return (int) Numbers.unsigned(text, from + n, to, 0xFFFF);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean equalsUpper(byte[] key, byte[] text, int from, int to) {
        if (key.length != to - from) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            int c = text[from + i];
            if (c >= 'a' && c <= 'z') {
                c -= 0x20;
            }
            if (c != key[i]) {
                return false;
            }
        }
        return true;
    }

    private static int hash(byte[] text, int from, int to) {
        int h = 0;
        for (int p = from; p < to; p++) {
            int c = text[p];
            if (c >= 'a' && c <= 'z') {
                c -= 0x20;
            }
            h = h * 31 + c;
        }
        return h ^ (h >>> 11);
    }
}
