package io.hpdns.query;

import static io.hpdns.query.EngineFixture.name;
import static io.hpdns.query.EngineFixture.query;
import static io.hpdns.query.EngineFixture.withEdns;
import static io.hpdns.query.SignedReplies.assertCovered;
import static io.hpdns.query.SignedReplies.matching;
import static io.hpdns.query.SignedReplies.nsecs;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.zone.CompiledZone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * RFC 4035 §3.1: answers of an NSEC-signed zone to a client that sets DO, checked as a validating
 * resolver checks them ({@link SignedReplies}): RRSIGs beside every authoritative RRset that
 * verify with the zone's DNSKEYs, and NSEC proofs for NXDOMAIN, NODATA, wildcards and referrals.
 * The zone, {@code zones/signed/signed.example.zone}, was signed by ldns-signzone ({@code sign.sh}
 * beside it says how).
 */
class Rfc4035DnssecTest {

    static final CompiledZone ZONE = EngineFixture.zone("signed.example.", "signed/signed.example.zone");

    private final EngineFixture engine = EngineFixture.serving(ZONE);
    private final SignedReplies validator = new SignedReplies(SignedReplies.keysIn(dnssec("signed.example.", Type.DNSKEY)));

    private Reply dnssec(String qname, int type) {
        return engine.udp(withEdns(query(qname, type), 4096, 0, ExtendedFlags.DO));
    }

    @Test
    void withoutDoAnswersCarryNoDnssecRecords() {
        // RFC 4035 §3.2.1: RRSIGs and NSECs only for a client that set DO
        for (String qname : List.of("www.signed.example.", "nowhere.signed.example.", "x.wild.signed.example.",
                "host.child.signed.example.", "insecure.signed.example.")) {
            Reply reply = engine.udp(withEdns(query(qname, Type.A), 4096));
            for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
                assertThat(reply.records(section)).as(qname).noneMatch(r -> r.getType() == Type.RRSIG
                        || r.getType() == Type.NSEC || r.getType() == Type.DS);
            }
        }
    }

    @Test
    void positiveAnswerCarriesItsRrsig() {
        // RFC 4035 §3.1.1
        Reply reply = dnssec("www.signed.example.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.opt().getFlags() & ExtendedFlags.DO).as("DO echoed (RFC 3225 §3)").isNotZero();
        assertThat(reply.answer()).hasSize(2);
        assertThat(validator.assertSigned(reply)).hasSize(1);
    }

    @Test
    void nxdomainProvesTheNameAndTheWildcardAbsent() {
        // RFC 4035 §3.1.3.2: the NSEC covering the name and the one covering *.<closest encloser>
        Reply reply = dnssec("nowhere.signed.example.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(reply.authority()).anyMatch(line -> line.startsWith("signed.example. 300 IN SOA"));
        validator.assertSigned(reply);
        assertCovered(reply, name("nowhere.signed.example."));
        assertCovered(reply, name("*.signed.example."));
    }

    @Test
    void nxdomainWithOneNsecCoveringBothNamesHasItOnce() {
        // zz.z sorts after z and *.z.signed.example before \000.z: two NSECs; below exists.wild,
        // whose closest encloser is exists.wild, one NSEC may cover both
        Reply reply = dnssec("a.exists.wild.signed.example.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        validator.assertSigned(reply);
        assertCovered(reply, name("a.exists.wild.signed.example."));
        assertCovered(reply, name("*.exists.wild.signed.example."));
        assertThat(nsecs(reply)).doesNotHaveDuplicates();
    }

    @Test
    void nodataCarriesTheNamesNsec() {
        // RFC 4035 §3.1.3.1: the NSEC of the name, whose type bitmap lacks the type
        Reply reply = dnssec("www.signed.example.", Type.MX);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).isEmpty();
        validator.assertSigned(reply);
        NSECRecord nsec = matching(reply, name("www.signed.example."));
        assertThat(nsec.hasType(Type.MX)).isFalse();
        assertThat(nsec.hasType(Type.A)).isTrue();
    }

    @Test
    void emptyNonTerminalIsProvenByTheNsecBeforeIt() {
        // ent owns no NSEC: the one before it, whose next name lies below it, proves it exists
        Reply reply = dnssec("ent.signed.example.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).isEmpty();
        validator.assertSigned(reply);
        assertThat(nsecs(reply)).hasSize(1);
        NSECRecord nsec = nsecs(reply).getFirst();
        assertThat(SignedReplies.covers(nsec, name("ent.signed.example."))).isTrue();
        assertThat(nsec.getNext().subdomain(name("ent.signed.example."))).isTrue();
    }

    @Test
    void wildcardAnswerProvesTheNameAbsent() {
        // RFC 4035 §3.1.3.3: the RRSIG's labels field shows the expansion; the NSEC proves no closer match
        Reply reply = dnssec("x.y.wild.signed.example.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).contains("x.y.wild.signed.example. 3600 IN A 192.0.2.100");
        RRSIGRecord rrsig = (RRSIGRecord) reply.records(Section.ANSWER).stream()
                .filter(r -> r.getType() == Type.RRSIG).findFirst().orElseThrow();
        assertThat(rrsig.getName()).isEqualTo(name("x.y.wild.signed.example."));
        assertThat(rrsig.getLabels()).isEqualTo(3);
        validator.assertSigned(reply);
        assertCovered(reply, name("x.y.wild.signed.example."));
    }

    @Test
    void wildcardNodataProvesTheNameAbsentAndTheTypeAbsentAtTheWildcard() {
        // RFC 4035 §3.1.3.4
        Reply reply = dnssec("x.wild.signed.example.", Type.MX);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).isEmpty();
        validator.assertSigned(reply);
        assertCovered(reply, name("x.wild.signed.example."));
        assertThat(matching(reply, name("*.wild.signed.example.")).hasType(Type.MX)).isFalse();
    }

    @Test
    void wildcardCnameProvesTheNameAbsent() {
        Reply reply = dnssec("x.wc.signed.example.", Type.A);

        assertThat(reply.answer()).contains("x.wc.signed.example. 3600 IN CNAME www.signed.example.",
                "www.signed.example. 3600 IN A 192.0.2.80");
        validator.assertSigned(reply);
        assertCovered(reply, name("x.wc.signed.example."));
    }

    @Test
    void referralToASignedChildCarriesItsSignedDs() {
        // RFC 4035 §3.1.4: NS, then DS with its RRSIGs; the glue is not signed
        Reply reply = dnssec("host.child.signed.example.", Type.A);

        assertThat(reply.flag(Flags.AA)).isFalse();
        assertThat(reply.authority()).contains("child.signed.example. 3600 IN NS ns1.child.signed.example.");
        assertThat(validator.assertSigned(reply)).extracting(RRset::getType).containsExactly(Type.DS);
        assertThat(reply.additional()).containsExactly("ns1.child.signed.example. 3600 IN A 192.0.2.201");
        assertThat(nsecs(reply)).isEmpty();
    }

    @Test
    void referralToAnUnsignedChildProvesItHasNoDs() {
        // RFC 4035 §3.1.4.1: the NSEC of the cut, without DS in its bitmap
        Reply reply = dnssec("www.insecure.signed.example.", Type.A);

        assertThat(reply.flag(Flags.AA)).isFalse();
        validator.assertSigned(reply);
        NSECRecord nsec = matching(reply, name("insecure.signed.example."));
        assertThat(nsec.hasType(Type.DS)).isFalse();
        assertThat(nsec.hasType(Type.NS)).isTrue();
    }

    @Test
    void dsIsAnsweredFromTheParentSideWithItsRrsig() {
        Reply signedChild = dnssec("child.signed.example.", Type.DS);
        assertThat(signedChild.flag(Flags.AA)).isTrue();
        assertThat(validator.assertSigned(signedChild)).extracting(RRset::getType).containsExactly(Type.DS);

        // No DS: NODATA with the cut's NSEC
        Reply unsignedChild = dnssec("insecure.signed.example.", Type.DS);
        assertThat(unsignedChild.flag(Flags.AA)).isTrue();
        assertThat(unsignedChild.answer()).isEmpty();
        validator.assertSigned(unsignedChild);
        assertThat(matching(unsignedChild, name("insecure.signed.example.")).hasType(Type.DS)).isFalse();
    }

    @Test
    void cnameChainIsSignedAtEveryStep() {
        Reply reply = dnssec("a.signed.example.", Type.A);

        assertThat(validator.assertSigned(reply)).extracting(RRset::getType)
                .containsExactly(Type.CNAME, Type.CNAME, Type.A);
    }

    @Test
    void cnameToANameThatDoesNotExistProvesItAbsent() {
        Reply reply = dnssec("dangling.signed.example.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        validator.assertSigned(reply);
        assertCovered(reply, name("nowhere.signed.example."));
        assertCovered(reply, name("*.signed.example."));
    }

    @Test
    void dnameIsSignedAndItsCnameIsNot() {
        // RFC 6672 §5.3.1: the validator checks the DNAME and builds the CNAME itself
        Reply reply = dnssec("www.dn.signed.example.", Type.A);

        assertThat(reply.answer()).contains("www.dn.signed.example. 1800 IN CNAME www.target.signed.example.");
        assertThat(validator.assertSigned(reply)).extracting(RRset::getType).containsExactly(Type.DNAME, Type.A);
    }

    @Test
    void rrsigQueryReturnsEverySignatureWithItsOwnTtl() {
        // RFC 4034 §3: each RRSIG has the TTL of the RRset it covers
        Reply reply = dnssec("www.signed.example.", Type.RRSIG);

        List<String> covered = new ArrayList<>();
        for (Record record : reply.records(Section.ANSWER)) {
            RRSIGRecord rrsig = (RRSIGRecord) record;
            covered.add(Type.string(rrsig.getTypeCovered()) + " " + rrsig.getTTL());
        }
        assertThat(covered).containsExactlyInAnyOrder("A 3600", "AAAA 3600", "TXT 3600", "NSEC 300");
    }

    @Test
    void nsecQueryReturnsTheNsecWithItsRrsig() {
        Reply reply = dnssec("www.signed.example.", Type.NSEC);

        assertThat(validator.assertSigned(reply)).extracting(RRset::getType).containsExactly(Type.NSEC);
    }

    @Test
    void additionalDataCarriesItsRrsigs() {
        // RFC 4035 §3.1.1: the MX target's address is authoritative data, signed when there is room
        Reply reply = dnssec("signed.example.", Type.MX);

        assertThat(SignedReplies.rrsets(reply.records(Section.ADDITIONAL)).values())
                .anySatisfy(rrset -> {
                    assertThat(rrset.getName()).isEqualTo(name("mail.signed.example."));
                    validator.assertVerifies(rrset);
                });
    }

    @Test
    void httpsTargetAddressesComeWithTheirRrsigsAndTheProofOfWhatTheTargetLacks() {
        // RFC 9460 §4.1 and RFC 4035 §3.1.1, as Knot DNS answers: the TargetName's addresses and,
        // as it has no HTTPS RRset of its own, its NSEC saying so; each signed, in additional
        Reply reply = dnssec("svc.signed.example.", Type.HTTPS);

        validator.assertSigned(reply);
        assertThat(SignedReplies.rrsets(reply.records(Section.ADDITIONAL)).values())
                .extracting(RRset::getType).containsExactlyInAnyOrder(Type.A, Type.AAAA, Type.NSEC);
        assertThat(SignedReplies.rrsets(reply.records(Section.ADDITIONAL)).values()).allSatisfy(rrset -> {
            assertThat(rrset.getName()).isEqualTo(name("www.signed.example."));
            validator.assertVerifies(rrset);
        });
        NSECRecord nsec = (NSECRecord) reply.records(Section.ADDITIONAL).stream()
                .filter(r -> r.getType() == Type.NSEC).findFirst().orElseThrow();
        assertThat(nsec.hasType(Type.HTTPS)).isFalse();
    }

    static Stream<Arguments> everyNameAndBufferSize() throws IOException {
        return SignedReplies.everyNameTypeAndBufferSize("signed/signed.example.zone");
    }

    @ParameterizedTest(name = "{0} {1} in {2} octets")
    @MethodSource("everyNameAndBufferSize")
    void signaturesAreNeverSplitFromTheirRRsets(String qname, int type, int size) {
        validator.assertSignedOrTruncated(engine.udp(withEdns(query(qname, type), size, 0, ExtendedFlags.DO)));
    }
}
