package io.hpdns.zonefile;

/** Rdata made of character strings (RFC 1035 §3.3). */
final class TextRdata {
    private TextRdata() {}

    /** TXT (RFC 1035 §3.3.14) and SPF (RFC 7208 §3.1): any number of strings, none read as none. */
    static void txt(Fields f) throws ScanException {
        while (f.more()) {
            f.lexer.pushBack();
            f.characterString("a TXT string");
        }
    }

    /** HINFO (RFC 1035 §3.3.2). */
    static void hinfo(Fields f) throws ScanException {
        f.characterString("the CPU");
        f.characterString("the OS");
    }

    /** CAA (RFC 8659 §4.1): flags, a tag, and a value that runs to the end of the rdata, uncounted. */
    static void caa(Fields f) throws ScanException {
        f.u8("the flags");
        f.characterString("a tag");
        f.string("a value");
        CharacterStrings.decode(f.text(), f.start(), f.end(), f.out);
    }
}
