package io.hpdns.query;

import static io.hpdns.query.EngineFixture.name;
import static io.hpdns.query.EngineFixture.query;
import static io.hpdns.query.EngineFixture.withEdns;
import static io.hpdns.query.SignedReplies.nsec3Covering;
import static io.hpdns.query.SignedReplies.nsec3Matching;
import static io.hpdns.query.SignedReplies.nsec3s;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.Nsec3Hash;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * RFC 5155 §7.2: the NSEC3 proofs of zones signed with NSEC3 ({@code zones/signed/nsec3.example.zone},
 * the names of signed.example) and with NSEC3 and opt-out ({@code optout.example.zone}, the same
 * names; sign.sh), checked with dnsjava's hashing of the names ({@link SignedReplies}); and the
 * hashing itself against dnsjava's.
 */
class Rfc5155Nsec3Test {

    static final CompiledZone ZONE = EngineFixture.zone("nsec3.example.", "signed/nsec3.example.zone");
    static final CompiledZone OPT_OUT = EngineFixture.zone("optout.example.", "signed/optout.example.zone");

    private final EngineFixture engine = EngineFixture.serving(ZONE, OPT_OUT);
    private final SignedReplies validator = new SignedReplies(List.of(
            SignedReplies.keysIn(dnssec("nsec3.example.", Type.DNSKEY)),
            SignedReplies.keysIn(dnssec("optout.example.", Type.DNSKEY))).stream().flatMap(List::stream).toList());

    private Reply dnssec(String qname, int type) {
        return engine.udp(withEdns(query(qname, type), 4096, 0, ExtendedFlags.DO));
    }

    @Test
    void hashedOwnerNamesAreDnsjavasForAnyNameSaltAndIterations() throws Exception {
        // RFC 5155 §5: the same hash as dnsjava's, and base32hex (RFC 4648 §7) lowercased
        Random random = new Random(5155);
        Nsec3Hash hash = new Nsec3Hash();
        byte[] label = new byte[Nsec3Hash.LABEL];
        for (int i = 0; i < 500; i++) {
            byte[] salt = new byte[random.nextInt(8)];
            random.nextBytes(salt);
            int iterations = random.nextInt(3) == 0 ? random.nextInt(20) : 0;
            Name name = name("n" + random.nextInt(1_000_000) + (random.nextBoolean() ? ".Sub" : "") + ".nsec3.example.");
            NSEC3Record reference = new NSEC3Record(name("nsec3.example."), 1, 0, NSEC3Record.SHA1_DIGEST_ID, 0,
                    iterations, salt, new byte[20], new int[0]);
            byte[] expected = reference.hashName(name);
            byte[] wire = name.canonicalize().toWire();
            hash.label(wire, 0, wire.length, new Nsec3Hash.Parameters(Nsec3Hash.SHA1, iterations, salt), label, 0);

            String text = new String(label, 1, 32, java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(label[0]).isEqualTo((byte) 32);
            assertThat(new org.xbill.DNS.utils.base32(org.xbill.DNS.utils.base32.Alphabet.BASE32HEX, false, false)
                    .fromString(text)).as(name + " salt " + salt.length + " iterations " + iterations).isEqualTo(expected);
            assertThat(text).isLowerCase();
        }
    }

    @Test
    void positiveAnswerCarriesItsRrsigAndNoProof() {
        Reply reply = dnssec("www.nsec3.example.", Type.A);

        assertThat(validator.assertSigned(reply)).extracting(RRset::getType).containsExactly(Type.A);
        assertThat(nsec3s(reply)).isEmpty();
    }

    @Test
    void nxdomainCarriesTheClosestEncloserProofAndTheWildcardsAbsence() {
        // RFC 5155 §7.2.2: the closest encloser matched, the next closer name and *.<encloser> covered
        Reply reply = dnssec("a.b.nowhere.nsec3.example.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        validator.assertSigned(reply);
        nsec3Matching(reply, name("nsec3.example."));
        nsec3Covering(reply, name("nowhere.nsec3.example."));
        nsec3Covering(reply, name("*.nsec3.example."));
        assertThat(nsec3s(reply)).hasSizeLessThanOrEqualTo(3).doesNotHaveDuplicates();
    }

    @Test
    void nxdomainBelowANameThatExists() {
        Reply reply = dnssec("a.www.nsec3.example.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        validator.assertSigned(reply);
        nsec3Matching(reply, name("www.nsec3.example."));
        nsec3Covering(reply, name("a.www.nsec3.example."));
        nsec3Covering(reply, name("*.www.nsec3.example."));
    }

    @Test
    void nodataCarriesTheNamesNsec3() {
        // RFC 5155 §7.2.3
        Reply reply = dnssec("www.nsec3.example.", Type.MX);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).isEmpty();
        validator.assertSigned(reply);
        NSEC3Record nsec3 = nsec3Matching(reply, name("www.nsec3.example."));
        assertThat(nsec3.hasType(Type.MX)).isFalse();
        assertThat(nsec3s(reply)).hasSize(1);
    }

    @Test
    void emptyNonTerminalHasItsOwnNsec3() {
        // RFC 5155 §7.1: empty non-terminals are in the chain
        Reply reply = dnssec("ent.nsec3.example.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        validator.assertSigned(reply);
        assertThat(nsec3Matching(reply, name("ent.nsec3.example.")).getTypes()).isEmpty();
    }

    @Test
    void wildcardAnswerCoversTheNextCloserName() {
        // RFC 5155 §7.2.6
        Reply reply = dnssec("x.y.wild.nsec3.example.", Type.A);

        assertThat(reply.answer()).contains("x.y.wild.nsec3.example. 3600 IN A 192.0.2.100");
        validator.assertSigned(reply);
        nsec3Covering(reply, name("y.wild.nsec3.example."));
        assertThat(nsec3s(reply)).hasSize(1);
    }

    @Test
    void wildcardNodataProvesTheEncloserTheNameAndTheWildcard() {
        // RFC 5155 §7.2.5
        Reply reply = dnssec("x.wild.nsec3.example.", Type.MX);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).isEmpty();
        validator.assertSigned(reply);
        nsec3Matching(reply, name("wild.nsec3.example."));
        nsec3Covering(reply, name("x.wild.nsec3.example."));
        assertThat(nsec3Matching(reply, name("*.wild.nsec3.example.")).hasType(Type.MX)).isFalse();
    }

    @Test
    void referralToASignedChildCarriesItsSignedDs() {
        // RFC 5155 §7.2.8
        Reply reply = dnssec("host.child.nsec3.example.", Type.A);

        assertThat(reply.flag(Flags.AA)).isFalse();
        assertThat(validator.assertSigned(reply)).extracting(RRset::getType).containsExactly(Type.DS);
        assertThat(nsec3s(reply)).isEmpty();
    }

    @Test
    void referralToAnUnsignedChildCarriesItsNsec3WithoutDs() {
        // RFC 5155 §7.2.7: the NSEC3 matching the cut, without DS in its bitmap
        Reply reply = dnssec("www.insecure.nsec3.example.", Type.A);

        assertThat(reply.flag(Flags.AA)).isFalse();
        validator.assertSigned(reply);
        NSEC3Record nsec3 = nsec3Matching(reply, name("insecure.nsec3.example."));
        assertThat(nsec3.hasType(Type.DS)).isFalse();
        assertThat(nsec3.hasType(Type.NS)).isTrue();
    }

    @Test
    void referralToAnOptedOutChildCarriesTheClosestProvableEncloserProof() {
        // RFC 5155 §7.2.7: no NSEC3 matches the cut; the apex matches, and the opt-out NSEC3
        // covering the cut says an unsigned delegation may be there
        Reply reply = dnssec("www.insecure.optout.example.", Type.A);

        assertThat(reply.flag(Flags.AA)).isFalse();
        validator.assertSigned(reply);
        nsec3Matching(reply, name("optout.example."));
        NSEC3Record covering = nsec3Covering(reply, name("insecure.optout.example."));
        assertThat(covering.getFlags() & NSEC3Record.Flags.OPT_OUT).isNotZero();
    }

    @Test
    void dsNodataAtAnOptedOutCutCarriesTheSameProof() {
        // RFC 5155 §7.2.4
        Reply reply = dnssec("insecure.optout.example.", Type.DS);

        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).isEmpty();
        validator.assertSigned(reply);
        nsec3Matching(reply, name("optout.example."));
        assertThat(nsec3Covering(reply, name("insecure.optout.example.")).getFlags() & NSEC3Record.Flags.OPT_OUT)
                .isNotZero();
    }

    @Test
    void hashedOwnerNamesAreAnsweredAsNamesThatDoNotExist() {
        // RFC 5155 §7.2.9, as Knot DNS answers: NXDOMAIN, for NSEC3 itself too
        String hashed = nsec3Matching(dnssec("www.nsec3.example.", Type.MX), name("www.nsec3.example.")).getName()
                .toString();
        for (int type : new int[] {Type.A, Type.NSEC3}) {
            Reply reply = dnssec(hashed, type);
            assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
            validator.assertSigned(reply);
            nsec3Covering(reply, name(hashed));
        }
    }

    @Test
    void dsAtASignedCutIsAnsweredWithItsRrsig() {
        Reply reply = dnssec("child.nsec3.example.", Type.DS);

        assertThat(validator.assertSigned(reply)).extracting(RRset::getType).containsExactly(Type.DS);
    }

    @Test
    void nsec3paramIsAnsweredWithItsRrsig() {
        Reply reply = dnssec("nsec3.example.", Type.NSEC3PARAM);

        assertThat(validator.assertSigned(reply)).extracting(RRset::getType).containsExactly(Type.NSEC3PARAM);
    }

    static Stream<Arguments> everyNameAndBufferSize() throws IOException {
        return Stream.concat(SignedReplies.everyNameTypeAndBufferSize("signed/nsec3.example.zone"),
                SignedReplies.everyNameTypeAndBufferSize("signed/optout.example.zone"));
    }

    @ParameterizedTest(name = "{0} {1} in {2} octets")
    @MethodSource("everyNameAndBufferSize")
    void signaturesAreNeverSplitFromTheirRRsets(String qname, int type, int size) {
        validator.assertSignedOrTruncated(engine.udp(withEdns(query(qname, type), size, 0, ExtendedFlags.DO)));
    }
}
