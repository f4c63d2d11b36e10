package io.hpdns.zonefile;

import io.hpdns.wire.WireNames;
import org.xbill.DNS.Type;

/**
 * Reads a record's rdata into wire form: with a parser of this package for the common types,
 * RFC 3597 §5 generic rdata for types without one in dnsjava, and dnsjava for the rest.
 */
final class RdataParser {
    private final Fields fields;
    private final DnsjavaRdata dnsjava = new DnsjavaRdata();

    RdataParser(Fields fields) {
        this.fields = fields;
    }

    /**
     * Reads the rdata up to the end of the record into the fields' buffer, finished: the rdata
     * and its canonical form.
     */
    void parse(byte[] owner, int type, int dclass, long ttl) throws ScanException {
        Fields f = fields;
        f.out.reset();
        boolean generic = f.lexer.next() == Lexer.WORD && f.is("\\#");
        if (generic && !DnsjavaRdata.knows(type)) {
            GenericRdata.parse(f);
        } else {
            f.lexer.pushBack();
            if (generic || !parseNative(type, f)) {
                dnsjava.parse(f, owner, type, dclass, ttl);
                return;
            }
        }
        f.endOfRecord();
        if (f.out.rdataLength() > RdataBuffer.MAX_RDATA) {
            throw new ScanException(Type.string(type) + " record at " + WireNames.toString(owner, 0)
                    + " cannot be written in DNS wire format: its rdata has " + f.out.rdataLength()
                    + " octets, more than 65535 (RFC 1035 §3.2.1)");
        }
        f.out.finish();
    }

    /** Reads the rdata of a type this package has a parser for; false, reading nothing, for others. */
    private static boolean parseNative(int type, Fields f) throws ScanException {
        switch (type) {
            case Type.A -> AddressRdata.a(f);
            case Type.AAAA -> AddressRdata.aaaa(f);
            case Type.EUI48 -> AddressRdata.eui(f, 6);
            case Type.EUI64 -> AddressRdata.eui(f, 8);
            case Type.NS, Type.CNAME, Type.PTR, Type.DNAME -> NameRdata.single(f);
            case Type.MX, Type.AFSDB, Type.RT, Type.KX -> NameRdata.preferenceAndName(f);
            case Type.RP -> NameRdata.rp(f);
            case Type.SOA -> NameRdata.soa(f);
            case Type.SRV -> NameRdata.srv(f);
            case Type.NAPTR -> NameRdata.naptr(f);
            case Type.TXT, Type.SPF -> TextRdata.txt(f);
            case Type.HINFO -> TextRdata.hinfo(f);
            case Type.CAA -> TextRdata.caa(f);
            case Type.DS, Type.CDS -> DnssecRdata.ds(f);
            case Type.DNSKEY, Type.CDNSKEY -> DnssecRdata.dnskey(f);
            case Type.RRSIG -> DnssecRdata.rrsig(f);
            case Type.NSEC -> DnssecRdata.nsec(f);
            case Type.NSEC3 -> DnssecRdata.nsec3(f);
            case Type.NSEC3PARAM -> DnssecRdata.nsec3param(f);
            case Type.TLSA, Type.SMIMEA -> DigestRdata.tlsa(f);
            case Type.SSHFP -> DigestRdata.sshfp(f);
            case Type.SVCB, Type.HTTPS -> f.svcb().read(f);
            default -> {
                return false;
            }
        }
        return true;
    }
}
