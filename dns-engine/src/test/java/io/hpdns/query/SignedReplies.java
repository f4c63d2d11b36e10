package io.hpdns.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * What a validating resolver checks in the answers of a signed zone (RFC 4035 §5), done with
 * dnsjava: every authoritative RRset of the answer and authority sections comes with RRSIGs that
 * verify with the zone's DNSKEYs, and NSEC records cover or match the names they must.
 */
final class SignedReplies {
    /** A time inside the fixtures' signature validity (2026 to 2046). */
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private final List<DNSKEYRecord> keys;

    SignedReplies(List<DNSKEYRecord> keys) {
        this.keys = List.copyOf(keys);
    }

    /** The DNSKEY RRset in the reply's answer section. */
    static List<DNSKEYRecord> keysIn(Reply reply) {
        List<DNSKEYRecord> keys = new ArrayList<>();
        for (Record record : reply.records(Section.ANSWER)) {
            if (record instanceof DNSKEYRecord key) {
                keys.add(key);
            }
        }
        assertThat(keys).as("DNSKEYs at the apex").isNotEmpty();
        return keys;
    }

    /**
     * Every RRset of the answer and authority sections has an RRSIG that verifies, except the NS
     * of a referral (not authoritative, not signed) and CNAMEs synthesized from a DNAME (RFC 6672
     * §5.3.1). Returns the RRsets checked.
     */
    List<RRset> assertSigned(Reply reply) {
        List<RRset> checked = new ArrayList<>();
        boolean referral = !reply.flag(Flags.AA);
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
            Map<String, RRset> rrsets = rrsets(reply.records(section));
            for (RRset rrset : rrsets.values()) {
                if (rrset.getType() == Type.RRSIG) {
                    continue;
                }
                if (referral && section == Section.AUTHORITY && rrset.getType() == Type.NS
                        || rrset.getType() == Type.CNAME && synthesized(reply, rrset.getName())) {
                    assertThat(rrset.sigs()).as("RRSIGs of " + rrset).isEmpty();
                    continue;
                }
                assertVerifies(rrset);
                checked.add(rrset);
            }
        }
        return checked;
    }

    /**
     * RFC 4035 §3.1.1: a truncated reply holds no RRset without its RRSIGs (those of a referral's NS
     * and of CNAMEs aside, which have none); a whole one is signed as {@link #assertSigned} checks.
     */
    void assertSignedOrTruncated(Reply reply) {
        if (!reply.flag(Flags.TC)) {
            assertSigned(reply);
            return;
        }
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
            for (RRset rrset : rrsets(reply.records(section)).values()) {
                if (rrset.getType() != Type.NS && rrset.getType() != Type.CNAME) {
                    assertThat(rrset.sigs()).as(rrset + " in " + reply).isNotEmpty();
                }
            }
        }
    }

    /**
     * Queries of every owner of a zone file of the test resources, and of a name below each (one that
     * does not exist, or is synthesized), for the types a signed zone answers apart, in buffers from
     * 512 octets up.
     */
    static Stream<Arguments> everyNameTypeAndBufferSize(String file) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        try (Master master = new Master(EngineFixture.zoneFile(file).toString())) {
            for (Record record; (record = master.nextRecord()) != null; ) {
                names.add(record.getName().toString());
                names.add("below." + record.getName());
            }
        }
        List<Arguments> cases = new ArrayList<>();
        for (String qname : names) {
            for (int size : new int[] {512, 700, 1232}) {
                for (int type : new int[] {Type.A, Type.MX, Type.ANY, Type.DNSKEY, Type.DS, Type.NSEC, Type.NSEC3}) {
                    cases.add(Arguments.of(qname, type, size));
                }
            }
        }
        return cases.stream();
    }

    /** Whether a DNAME of the reply's answer section owns a suffix of {@code name}. */
    private static boolean synthesized(Reply reply, Name name) {
        for (Record record : reply.records(Section.ANSWER)) {
            if (record.getType() == Type.DNAME && name.subdomain(record.getName()) && !name.equals(record.getName())) {
                return true;
            }
        }
        return false;
    }

    void assertVerifies(RRset rrset) {
        assertThat(rrset.sigs()).as("RRSIGs of " + rrset).isNotEmpty();
        for (RRSIGRecord rrsig : rrset.sigs()) {
            DNSKEYRecord key = keys.stream().filter(k -> k.getFootprint() == rrsig.getFootprint()).findFirst()
                    .orElseThrow(() -> new AssertionError("no DNSKEY for " + rrsig));
            try {
                DNSSEC.verify(rrset, rrsig, key, NOW);
            } catch (DNSSEC.DNSSECException e) {
                throw new AssertionError(rrsig + " does not verify " + rrset + ": " + e.getMessage(), e);
            }
        }
    }

    /** The section's records as RRsets, RRSIGs with the RRset they cover. */
    static Map<String, RRset> rrsets(List<Record> records) {
        Map<String, RRset> rrsets = new LinkedHashMap<>();
        for (Record record : records) {
            int type = record instanceof RRSIGRecord sig ? sig.getTypeCovered() : record.getType();
            rrsets.computeIfAbsent(record.getName() + "/" + type, k -> new RRset()).addRR(record);
        }
        return rrsets;
    }

    /** The NSEC records of the authority section. */
    static List<NSECRecord> nsecs(Reply reply) {
        List<NSECRecord> nsecs = new ArrayList<>();
        for (Record record : reply.records(Section.AUTHORITY)) {
            if (record instanceof NSECRecord nsec) {
                nsecs.add(nsec);
            }
        }
        return nsecs;
    }

    /** Whether an NSEC covers {@code name}: it sorts strictly between the owner and the next name. */
    static boolean covers(NSECRecord nsec, Name name) {
        Name owner = nsec.getName();
        Name next = nsec.getNext();
        if (owner.compareTo(next) < 0) {
            return owner.compareTo(name) < 0 && name.compareTo(next) < 0;
        }
        // The last NSEC of the chain: its next name is the apex.
        return owner.compareTo(name) < 0 && name.subdomain(next);
    }

    static void assertCovered(Reply reply, Name name) {
        assertThat(nsecs(reply)).as("an NSEC covering " + name).anyMatch(nsec -> covers(nsec, name));
    }

    /** The NSEC3 records of the authority section. */
    static List<NSEC3Record> nsec3s(Reply reply) {
        List<NSEC3Record> nsec3s = new ArrayList<>();
        for (Record record : reply.records(Section.AUTHORITY)) {
            if (record instanceof NSEC3Record nsec3) {
                nsec3s.add(nsec3);
            }
        }
        return nsec3s;
    }

    /** The hash an NSEC3's owner name holds (RFC 5155 §3: its first label, base32hex). */
    private static byte[] ownerHash(NSEC3Record nsec3) {
        return new base32(base32.Alphabet.BASE32HEX, false, false).fromString(nsec3.getName().getLabelString(0));
    }

    private static byte[] hashOf(NSEC3Record nsec3, Name name) {
        try {
            return nsec3.hashName(name);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Whether the NSEC3 matches {@code name}: its owner is the name's hash (RFC 5155 §7.2.1). */
    static boolean matches(NSEC3Record nsec3, Name name) {
        return Arrays.equals(ownerHash(nsec3), hashOf(nsec3, name));
    }

    /** Whether the NSEC3 covers {@code name}: the name's hash lies strictly between its owner's and the next. */
    static boolean covers(NSEC3Record nsec3, Name name) {
        byte[] owner = ownerHash(nsec3);
        byte[] next = nsec3.getNext();
        byte[] hash = hashOf(nsec3, name);
        if (Arrays.compareUnsigned(owner, next) < 0) {
            return Arrays.compareUnsigned(owner, hash) < 0 && Arrays.compareUnsigned(hash, next) < 0;
        }
        // The last of the chain covers the hashes after it and before the first.
        return Arrays.compareUnsigned(owner, hash) < 0 || Arrays.compareUnsigned(hash, next) < 0;
    }

    static NSEC3Record nsec3Matching(Reply reply, Name name) {
        return nsec3s(reply).stream().filter(r -> matches(r, name)).findFirst()
                .orElseThrow(() -> new AssertionError("no NSEC3 matching " + name + " in " + reply));
    }

    static NSEC3Record nsec3Covering(Reply reply, Name name) {
        return nsec3s(reply).stream().filter(r -> covers(r, name)).findFirst()
                .orElseThrow(() -> new AssertionError("no NSEC3 covering " + name + " in " + reply));
    }

    /** The NSEC owned by {@code name}, which must be there. */
    static NSECRecord matching(Reply reply, Name name) {
        return nsecs(reply).stream().filter(nsec -> nsec.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no NSEC of " + name + " in " + reply));
    }
}
