package io.hpdns.zonefile;

import java.util.Arrays;
import org.xbill.DNS.Type;

/**
 * {@code $GENERATE start-stop[/step] owner [ttl] [class] type rdata}, BIND's directive for runs of
 * records, with dnsjava's semantics: in the owner and rdata patterns {@code $} is the counter,
 * {@code ${offset,width,base}} the counter plus offset, zero-padded to width, in base d, o, x or X,
 * {@code $$} a dollar sign and {@code \X} the character X. As in dnsjava, only A, AAAA, NS, CNAME,
 * DNAME and PTR records can be generated, and the records do not count as the "previous record"
 * for the TTL of the next.
 */
final class Generator {
    /**
     * Records one directive may make: beyond that it is far likelier a typo in the range than a
     * wish, and would stall the load for minutes. A /12 of reverse entries still fits.
     */
    static final long MAX_RECORDS = 1 << 20;

    private final MasterFile file;
    private final byte[] namePattern;
    private final byte[] rdataPattern;
    private final Lexer lexer = new Lexer(new byte[0], 0, 0);
    private final Fields fields;
    private final RdataParser rdata;
    private final byte[] owner = new byte[NameParser.ROOM];
    private byte[] expanded = new byte[256];
    private int expandedLength;

    private Generator(MasterFile file, byte[] namePattern, byte[] rdataPattern) {
        this.file = file;
        this.namePattern = namePattern;
        this.rdataPattern = rdataPattern;
        this.fields = new Fields(lexer, file.fields.out);
        this.fields.origin(file.fields.origin());
        this.rdata = new RdataParser(fields);
    }

    /** Reads the directive, the current entry, and hands over the records it makes. */
    static void read(MasterFile file) throws ScanException {
        Fields f = file.fields;
        f.word("a range start-stop[/step]");
        byte[] text = f.text();
        int from = f.start();
        int to = f.end();
        int dash = indexOf(text, from, to, '-');
        int slash = indexOf(text, from, to, '/');
        long start = dash < 0 ? -1 : Numbers.unsigned(text, from, dash, 0xFFFFFFFFL);
        long stop = dash < 0 ? -1 : Numbers.unsigned(text, dash + 1, slash < 0 ? to : slash, 0xFFFFFFFFL);
        long step = slash < 0 ? 1 : Numbers.unsigned(text, slash + 1, to, 0xFFFFFFFFL);
        if (start < 0 || stop < start || step <= 0) {
            throw new ScanException("bad $GENERATE range " + f.token() + ": start-stop[/step] expected");
        }
        if ((stop - start) / step + 1 > MAX_RECORDS) {
            throw new ScanException("$GENERATE range " + f.token() + " makes more than " + MAX_RECORDS + " records");
        }
        f.word("an owner pattern");
        byte[] namePattern = Arrays.copyOfRange(f.text(), f.start(), f.end());
        file.ttlClassAndType(file.lastTtl());
        int type = file.type;
        if (type != Type.A && type != Type.AAAA && type != Type.NS && type != Type.CNAME && type != Type.DNAME
                && type != Type.PTR) {
            throw new ScanException("$GENERATE does not make " + Type.string(type) + " records");
        }
        f.word("an rdata pattern");
        byte[] rdataPattern = Arrays.copyOfRange(f.text(), f.start(), f.end());
        f.endOfRecord();
        new Generator(file, namePattern, rdataPattern).generate(start, stop, step, file.lexer.line());
    }

    private void generate(long start, long stop, long step, int line) throws ScanException {
        int type = file.type;
        int dclass = file.dclass;
        long ttl = file.ttl;
        for (long n = start; n <= stop; n += step) {
            try {
                expand(namePattern, n);
                NameParser.parse(expanded, 0, expandedLength, fields.origin(), owner, 0);
                expand(rdataPattern, n);
                lexer.reset(expanded, 0, expandedLength);
                rdata.parse(owner, type, dclass, ttl);
            } catch (ScanException e) {
                throw new ScanException("$GENERATE at " + n + ": " + e.getMessage());
            }
            file.scanner.emit(owner, type, dclass, ttl, file.name, line);
        }
    }

    /** Writes the pattern with the counter {@code n} substituted into {@link #expanded}. */
    private void expand(byte[] pattern, long n) throws ScanException {
        expandedLength = 0;
        for (int i = 0; i < pattern.length; i++) {
            int c = pattern[i] & 0xff;
            if (c == '\\') {
                if (++i == pattern.length) {
                    throw new ScanException("a backslash at the end of " + Printable.of(pattern, 0, pattern.length));
                }
                append(pattern[i]);
            } else if (c != '$') {
                append((byte) c);
            } else if (i + 1 < pattern.length && pattern[i + 1] == '$') {
                append(pattern[++i]);
            } else {
                i = substitute(pattern, i, n);
            }
        }
    }

    /** Substitutes the {@code $} or {@code ${...}} at {@code pattern[at]}; returns the index of its last character. */
    private int substitute(byte[] pattern, int at, long n) throws ScanException {
        long offset = 0;
        int width = 0;
        int radix = 10;
        boolean upper = false;
        int i = at;
        if (i + 1 < pattern.length && pattern[i + 1] == '{') {
            i++;
            boolean negative = i + 1 < pattern.length && pattern[i + 1] == '-';
            if (negative) {
                i++;
            }
            int c = 0;
            while (i + 1 < pattern.length) {
                c = pattern[++i];
                if (c == ',' || c == '}') {
                    break;
                }
                if (c < '0' || c > '9' || offset > 0xFFFFFFFFL) {
                    throw modifiers(pattern, "offset");
                }
                offset = offset * 10 + c - '0';
            }
            offset = negative ? -offset : offset;
            if (c == ',') {
                while (i + 1 < pattern.length) {
                    c = pattern[++i];
                    if (c == ',' || c == '}') {
                        break;
                    }
                    if (c < '0' || c > '9' || width > 255) {
                        throw modifiers(pattern, "width");
                    }
                    width = width * 10 + c - '0';
                }
            }
            if (c == ',') {
                if (i + 1 == pattern.length) {
                    throw modifiers(pattern, "base");
                }
                switch (pattern[++i]) {
                    case 'd' -> radix = 10;
                    case 'o' -> radix = 8;
                    case 'x' -> radix = 16;
                    case 'X' -> {
                        radix = 16;
                        upper = true;
                    }
                    default -> throw modifiers(pattern, "base");
                }
            }
            if (i + 1 == pattern.length || pattern[i + 1] != '}') {
                throw modifiers(pattern, "modifiers");
            }
            i++;
        }
        long v = n + offset;
        if (v < 0) {
            throw new ScanException("the offset makes " + v + ", below 0, in "
                    + Printable.of(pattern, 0, pattern.length));
        }
        String digits = Long.toString(v, radix);
        for (int z = digits.length(); z < width; z++) {
            append((byte) '0');
        }
        for (int d = 0; d < digits.length(); d++) {
            char ch = digits.charAt(d);
            append((byte) (upper ? Character.toUpperCase(ch) : ch));
        }
        return i;
    }

    private void append(byte b) {
        if (expandedLength == expanded.length) {
            expanded = Arrays.copyOf(expanded, expandedLength * 2);
        }
        expanded[expandedLength++] = b;
    }

    private static ScanException modifiers(byte[] pattern, String what) {
        return new ScanException("bad " + what + " in ${offset,width,base} of "
                + Printable.of(pattern, 0, pattern.length));
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
