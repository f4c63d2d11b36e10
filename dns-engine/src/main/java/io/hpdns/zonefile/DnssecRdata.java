package io.hpdns.zonefile;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.xbill.DNS.DNSSEC;

/** The DNSSEC types: DS and CDS, DNSKEY and CDNSKEY, RRSIG, NSEC, NSEC3 and NSEC3PARAM. */
final class DnssecRdata {
    private DnssecRdata() {}

    /** DS (RFC 4034 §5.3) and CDS (RFC 7344 §3.1); a digest of a known type must have its length. */
    static void ds(Fields f) throws ScanException {
        f.u16("a key tag");
        f.u8("an algorithm");
        long digestType = f.unsigned("a digest type", 0xFF);
        f.out.u8((int) digestType);
        int before = f.out.position();
        f.hex("a digest", true);
        int length = DNSSEC.Digest.algLength((int) digestType);
        if (length >= 0 && f.out.position() - before != length) {
            throw new ScanException("a digest of type " + digestType + " has " + length + " octets, not "
                    + (f.out.position() - before));
        }
    }

    /** DNSKEY (RFC 4034 §2.2) and CDNSKEY (RFC 7344 §3.2). */
    static void dnskey(Fields f) throws ScanException {
        f.u16("the flags");
        f.u8("a protocol");
        algorithm(f);
        f.base64("a public key", false);
    }

    /** RRSIG (RFC 4034 §3.2). */
    static void rrsig(Fields f) throws ScanException {
        f.word("a type covered");
        int covered = Mnemonics.type(f.text(), f.start(), f.end());
        if (covered < 0) {
            throw new ScanException("unknown type covered " + f.token());
        }
        f.out.u16(covered);
        algorithm(f);
        f.u8("a label count");
        f.word("an original TTL");
        long ttl = Numbers.ttl(f.text(), f.start(), f.end(), true);
        if (ttl < 0) {
            throw f.expected("an original TTL");
        }
        f.out.u32(ttl);
        time(f, "a signature expiration");
        time(f, "a signature inception");
        f.u16("a key tag");
        f.name("a signer's name", true);
        f.base64("a signature", false);
    }

    /** NSEC (RFC 4034 §4.2): RFC 6840 §5.1 keeps the next name's case in the canonical form. */
    static void nsec(Fields f) throws ScanException {
        f.name("the next domain name", false);
        f.typeBitmap().read(f);
    }

    /** NSEC3 (RFC 5155 §3.3). */
    static void nsec3(Fields f) throws ScanException {
        nsec3param(f);
        f.countedBase32Hex("the next hashed owner name");
        f.typeBitmap().read(f);
    }

    /** NSEC3PARAM (RFC 5155 §4.3): a salt of "-" is the empty salt. */
    static void nsec3param(Fields f) throws ScanException {
        f.u8("a hash algorithm");
        f.u8("the flags");
        f.u16("the iterations");
        f.word("a salt");
        if (f.is("-")) {
            f.out.u8(0);
        } else {
            f.lexer.pushBack();
            f.countedHex("a salt");
        }
    }

    /** A number or a mnemonic of RFC 4034 Appendix A.1 (e.g. RSASHA256), as dnsjava reads them. */
    private static void algorithm(Fields f) throws ScanException {
        f.word("an algorithm");
        long n = Numbers.unsigned(f.text(), f.start(), f.end(), 0xFF);
        if (n < 0) {
            n = DNSSEC.Algorithm.value(new String(f.text(), f.start(), f.end() - f.start(),
                    StandardCharsets.ISO_8859_1));
            if (n < 0) {
                throw new ScanException("unknown algorithm " + f.token());
            }
        }
        f.out.u8((int) n);
    }

    /** RFC 4034 §3.2: YYYYMMDDHHmmSS in UTC, or seconds since 1970 written as a number. */
    private static void time(Fields f, String what) throws ScanException {
        f.word(what);
        byte[] t = f.text();
        int from = f.start();
        int length = f.end() - from;
        long seconds = Numbers.unsigned(t, from, f.end(), length == 14 ? Long.MAX_VALUE : 0xFFFFFFFFL);
        if (seconds >= 0 && length == 14) {
            try {
                seconds = LocalDateTime.of(digits(t, from, 4), digits(t, from + 4, 2), digits(t, from + 6, 2),
                        digits(t, from + 8, 2), digits(t, from + 10, 2), digits(t, from + 12, 2))
                        .toEpochSecond(ZoneOffset.UTC);
            } catch (DateTimeException e) {
                seconds = -1;
            }
        }
        if (seconds < 0 || seconds > 0xFFFFFFFFL || length > 14 || (length > 10 && length < 14)) {
            throw f.expected(what + " (YYYYMMDDHHmmSS)");
        }
        f.out.u32(seconds);
    }

    private static int digits(byte[] t, int from, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = v * 10 + t[from + i] - '0';
        }
        return v;
    }
}
