package io.hpdns.zonefile;

/**
 * Rdata built around domain names. Each name is written uncompressed (RFC 3597 §4: a server may
 * compress only the names of the RFC 1035 types, and does so itself when answering); all of
 * these types are in RFC 4034 §6.2's list, so their canonical form lowercases the names.
 */
final class NameRdata {
    private NameRdata() {}

    /** NS, CNAME, PTR (RFC 1035 §3.3), DNAME (RFC 6672 §2.1): one name. */
    static void single(Fields f) throws ScanException {
        f.name("a domain name", true);
    }

    /** MX (RFC 1035 §3.3.9), AFSDB (RFC 1183 §1), RT (§3.3), KX (RFC 2230): a 16-bit number and a name. */
    static void preferenceAndName(Fields f) throws ScanException {
        f.u16("a preference");
        f.name("a domain name", true);
    }

    /** RP (RFC 1183 §2.2): a mailbox and the name of its TXT records. */
    static void rp(Fields f) throws ScanException {
        f.name("a mailbox name", true);
        f.name("a TXT domain name", true);
    }

    /** SOA (RFC 1035 §3.3.13); its timers take TTL units, as BIND writes them. */
    static void soa(Fields f) throws ScanException {
        f.name("the primary name server (MNAME)", true);
        f.name("the responsible mailbox (RNAME)", true);
        f.u32("the SERIAL");
        f.timer("the REFRESH");
        f.timer("the RETRY");
        f.timer("the EXPIRE");
        f.timer("the MINIMUM");
    }

    /** SRV (RFC 2782). */
    static void srv(Fields f) throws ScanException {
        f.u16("a priority");
        f.u16("a weight");
        f.u16("a port");
        f.name("a target name", true);
    }

    /** NAPTR (RFC 3403 §4.1). */
    static void naptr(Fields f) throws ScanException {
        f.u16("an order");
        f.u16("a preference");
        f.characterString("the flags");
        f.characterString("the services");
        f.characterString("the regular expression");
        f.name("a replacement name", true);
    }
}
