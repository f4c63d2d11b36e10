package io.hpdns.wire;

/** The numbers of the DNS wire format this server uses: header bits, rcodes, opcodes, types, classes. */
public final class DnsConstants {
    private DnsConstants() {}

    public static final int HEADER_SIZE = 12;
    /** RFC 1035 §4.2.1: UDP messages without EDNS(0) carry at most 512 octets. */
    public static final int CLASSIC_UDP_SIZE = 512;
    public static final int MAX_NAME_LENGTH = 255;
    public static final int MAX_LABEL_LENGTH = 63;

    // Header flag bits in the second 16-bit word (RFC 1035 §4.1.1, RFC 4035 §3.2 for CD).
    public static final int FLAG_QR = 0x8000;
    public static final int FLAG_AA = 0x0400;
    public static final int FLAG_TC = 0x0200;
    public static final int FLAG_RD = 0x0100;
    public static final int FLAG_CD = 0x0010;
    public static final int OPCODE_SHIFT = 11;
    public static final int OPCODE_MASK = 0x7800;

    public static final int OPCODE_QUERY = 0;

    public static final int RCODE_NOERROR = 0;
    public static final int RCODE_FORMERR = 1;
    public static final int RCODE_SERVFAIL = 2;
    public static final int RCODE_NXDOMAIN = 3;
    public static final int RCODE_NOTIMP = 4;
    public static final int RCODE_REFUSED = 5;
    public static final int RCODE_YXDOMAIN = 6;
    public static final int RCODE_NOTAUTH = 9;
    /** RFC 6891 §6.1.3: extended rcode 16, carried as 1 in the OPT TTL's upper 8 bits. */
    public static final int RCODE_BADVERS = 16;
    /** RFC 8945 §5.2: the TSIG error "key not recognised". */
    public static final int TSIG_BADKEY = 17;

    public static final int CLASS_IN = 1;
    public static final int CLASS_CH = 3;

    public static final int TYPE_A = 1;
    public static final int TYPE_NS = 2;
    public static final int TYPE_CNAME = 5;
    public static final int TYPE_SOA = 6;
    public static final int TYPE_PTR = 12;
    public static final int TYPE_MX = 15;
    public static final int TYPE_TXT = 16;
    public static final int TYPE_AAAA = 28;
    public static final int TYPE_SRV = 33;
    public static final int TYPE_DNAME = 39;
    public static final int TYPE_OPT = 41;
    public static final int TYPE_DS = 43;
    public static final int TYPE_RRSIG = 46;
    public static final int TYPE_NSEC = 47;
    public static final int TYPE_DNSKEY = 48;
    public static final int TYPE_NSEC3 = 50;
    public static final int TYPE_NSEC3PARAM = 51;
    public static final int TYPE_SVCB = 64;
    public static final int TYPE_HTTPS = 65;
    public static final int TYPE_TSIG = 250;
    public static final int TYPE_IXFR = 251;
    public static final int TYPE_AXFR = 252;
    public static final int TYPE_ANY = 255;
    /** RFC 1035 §3.2.5: QCLASS * (any class). */
    public static final int CLASS_ANY = 255;

    /** RFC 5001: the NSID EDNS option code. */
    public static final int EDNS_OPTION_NSID = 3;
    /** RFC 7828 §3.1: the edns-tcp-keepalive option code. */
    public static final int EDNS_OPTION_TCP_KEEPALIVE = 11;
    /** RFC 8914: the Extended DNS Error option code. */
    public static final int EDNS_OPTION_EDE = 15;
    /** RFC 6891 §6.1.3: the DO bit in the OPT TTL's flags. */
    public static final int EDNS_FLAG_DO = 0x8000;
}
