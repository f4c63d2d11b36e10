package io.hpdns.zonefile;

/**
 * The fields of one record's rdata, read from the lexer and written to the rdata buffer: numbers,
 * names, character strings and encoded binary, each with the fault message a field of that kind
 * gets.
 */
final class Fields {
    final Lexer lexer;
    final RdataBuffer out;
    private final BinaryDecoder binary = new BinaryDecoder();
    private final TypeBitmap typeBitmap = new TypeBitmap();
    private final SvcbRdata svcb = new SvcbRdata();
    private byte[] origin;

    Fields(Lexer lexer, RdataBuffer out) {
        this.lexer = lexer;
        this.out = out;
    }

    void origin(byte[] origin) {
        this.origin = origin;
    }

    byte[] origin() {
        return origin;
    }

    TypeBitmap typeBitmap() {
        return typeBitmap;
    }

    SvcbRdata svcb() {
        return svcb;
    }

    byte[] text() {
        return lexer.input();
    }

    int start() {
        return lexer.start();
    }

    int end() {
        return lexer.end();
    }

    /** Reads the next token, which must be an unquoted word. */
    void word(String what) throws ScanException {
        if (lexer.next() != Lexer.WORD) {
            throw expected(what);
        }
    }

    /** Reads the next token, which must be a word or a quoted string. */
    void string(String what) throws ScanException {
        if (!isString(lexer.next())) {
            throw expected(what);
        }
    }

    /** Whether another string follows; if not, the token read is left for the next read. */
    boolean more() throws ScanException {
        if (isString(lexer.next())) {
            return true;
        }
        lexer.pushBack();
        return false;
    }

    /** Whether the current token is exactly {@code s}. */
    boolean is(String s) {
        int from = lexer.start();
        if (lexer.end() - from != s.length()) {
            return false;
        }
        byte[] text = lexer.input();
        for (int i = 0; i < s.length(); i++) {
            if (text[from + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the current token is {@code s}, ignoring ASCII case. */
    boolean isIgnoreCase(String s) {
        int from = lexer.start();
        if (lexer.end() - from != s.length()) {
            return false;
        }
        byte[] text = lexer.input();
        for (int i = 0; i < s.length(); i++) {
            if (Character.toUpperCase((char) (text[from + i] & 0xff)) != Character.toUpperCase(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    void u8(String what) throws ScanException {
        out.u8((int) unsigned(what, 0xFF));
    }

    void u16(String what) throws ScanException {
        out.u16((int) unsigned(what, 0xFFFF));
    }

    void u32(String what) throws ScanException {
        out.u32(unsigned(what, 0xFFFFFFFFL));
    }

    long unsigned(String what, long max) throws ScanException {
        word(what);
        long v = Numbers.unsigned(lexer.input(), lexer.start(), lexer.end(), max);
        if (v < 0) {
            throw expected(what + " (0 to " + max + ")");
        }
        return v;
    }

    /** A SOA timer (RFC 1035 §3.3.13): 32 bits, in seconds or with TTL units. */
    void timer(String what) throws ScanException {
        word(what);
        long v = Numbers.ttl(lexer.input(), lexer.start(), lexer.end(), false);
        if (v < 0) {
            throw expected(what);
        }
        out.u32(v);
    }

    /**
     * A domain name.
     *
     * @param lowercased whether the canonical form lowercases it (RFC 4034 §6.2)
     */
    void name(String what, boolean lowercased) throws ScanException {
        word(what);
        out.name(lexer.input(), lexer.start(), lexer.end(), origin, lowercased);
    }

    /** A {@code <character-string>} (RFC 1035 §3.3): a length octet and up to 255 octets. */
    void characterString(String what) throws ScanException {
        string(what);
        int lengthAt = out.position();
        out.u8(0);
        int n = CharacterStrings.decode(lexer.input(), lexer.start(), lexer.end(), out);
        if (n > 255) {
            throw new ScanException(what + " longer than 255 octets (RFC 1035 §3.3)");
        }
        out.u8At(lengthAt, n);
    }

    /** The rest of the record's strings, joined, as base 64 (RFC 4648 §4); at least one if required. */
    void base64(String what, boolean required) throws ScanException {
        remaining(what, required, BinaryDecoder.BASE64);
    }

    /** {@code text[from..to)} as base 64, a value within a token. */
    void base64(String what, byte[] text, int from, int to) throws ScanException {
        binary.start(BinaryDecoder.BASE64, out);
        binary.decode(text, from, to, what);
        binary.finish(what);
    }

    /** The rest of the record's strings, joined, as hexadecimal (RFC 4648 §8). */
    void hex(String what, boolean required) throws ScanException {
        remaining(what, required, BinaryDecoder.BASE16);
    }

    /** One word as hexadecimal, its length before it in an octet (a salt, RFC 5155 §3.3). */
    void countedHex(String what) throws ScanException {
        counted(what, BinaryDecoder.BASE16);
    }

    /** One word as base 32 with the extended hex alphabet (RFC 4648 §7), counted as a salt is. */
    void countedBase32Hex(String what) throws ScanException {
        counted(what, BinaryDecoder.BASE32HEX);
    }

    private void counted(String what, int alphabet) throws ScanException {
        word(what);
        int lengthAt = out.position();
        out.u8(0);
        binary.start(alphabet, out);
        decode(what);
        int n = binary.finish(what);
        if (n > 255) {
            throw new ScanException(what + " longer than 255 octets");
        }
        out.u8At(lengthAt, n);
    }

    private void remaining(String what, boolean required, int alphabet) throws ScanException {
        binary.start(alphabet, out);
        boolean any = false;
        while (more()) {
            decode(what);
            any = true;
        }
        if (required && !any) {
            throw expected(what);
        }
        binary.finish(what);
    }

    private void decode(String what) throws ScanException {
        binary.decode(lexer.input(), lexer.start(), lexer.end(), what);
    }

    /** The record must end here. */
    void endOfRecord() throws ScanException {
        int k = lexer.next();
        if (k != Lexer.EOL && k != Lexer.EOF) {
            throw new ScanException("unexpected " + token() + " after the rdata");
        }
    }

    ScanException expected(String what) {
        return new ScanException("expected " + what + ", found " + token());
    }

    /** The current token, for a message. */
    String token() {
        return switch (lexer.kind()) {
            case Lexer.EOL -> "the end of the line";
            case Lexer.EOF -> "the end of the file";
            case Lexer.QUOTED -> "\"" + Printable.of(lexer.input(), lexer.start(), lexer.end()) + "\"";
            default -> "'" + Printable.of(lexer.input(), lexer.start(), lexer.end()) + "'";
        };
    }

    private static boolean isString(int kind) {
        return kind == Lexer.WORD || kind == Lexer.QUOTED;
    }
}
