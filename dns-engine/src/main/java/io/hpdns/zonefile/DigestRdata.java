package io.hpdns.zonefile;

/** Rdata that pins a certificate or key by a few code points and a hash in hexadecimal. */
final class DigestRdata {
    private DigestRdata() {}

    /** TLSA (RFC 6698 §2.2) and SMIMEA (RFC 8162 §2). */
    static void tlsa(Fields f) throws ScanException {
        f.u8("a certificate usage");
        f.u8("a selector");
        f.u8("a matching type");
        f.hex("the certificate association data", true);
    }

    /** SSHFP (RFC 4255 §3.2). */
    static void sshfp(Fields f) throws ScanException {
        f.u8("an algorithm");
        f.u8("a fingerprint type");
        f.hex("a fingerprint", true);
    }
}
