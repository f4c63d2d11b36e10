package io.hpdns.query;

import static io.hpdns.query.EngineFixture.query;
import static io.hpdns.query.EngineFixture.withEdns;
import static io.hpdns.query.Rfc1034LookupTest.SOA_NEGATIVE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * QTYPE ANY (RFC 8482). Over UDP the answer is minimal, so ANY cannot be used for amplification:
 * one complete RRset of the name (§4.1), the one with the lowest type number, as Knot DNS 3.2 picks
 * it; no synthesized HINFO. Over TCP, where the client's address is proven, every RRset of the name.
 * multi.example.org has A, TXT and MX.
 */
class Rfc8482AnyTest {

    private static final List<String> MULTI = List.of(
            "multi.example.org. 3600 IN A 192.0.2.30",
            "multi.example.org. 3600 IN TXT \"multi\"",
            "multi.example.org. 3600 IN MX 10 mail.example.org.");

    private final EngineFixture engine = EngineFixture.parentOnly();

    @Test
    void anyOverUdpIsAnsweredWithTheRRsetOfTheLowestType() {
        // RFC 8482 §4.1: one RRset of the name; like Knot DNS, the one with the lowest type number (A)
        Reply reply = engine.ask("multi.example.org.", Type.ANY);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.flag(Flags.TC)).isFalse();
        assertThat(reply.answer()).containsExactly("multi.example.org. 3600 IN A 192.0.2.30");
        assertThat(reply.authority()).isEmpty();
    }

    @Test
    void anyOverUdpWithEdnsIsStillMinimal() {
        Reply reply = engine.udp(withEdns(query("multi.example.org.", Type.ANY), 4096));

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).containsExactly("multi.example.org. 3600 IN A 192.0.2.30");
    }

    @Test
    void anyOverUdpAtTheApexIsTheNsRRsetWithItsAdditionalAddresses() {
        // NS (2) is the lowest type at the apex, below SOA (6) and MX (15); additional processing as for NS
        Reply reply = engine.ask("example.org.", Type.ANY);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).containsExactlyInAnyOrder(
                "example.org. 3600 IN NS ns1.example.org.", "example.org. 3600 IN NS ns2.example.org.");
        assertThat(reply.additional()).containsExactlyInAnyOrder(
                "ns1.example.org. 3600 IN A 192.0.2.1",
                "ns1.example.org. 3600 IN AAAA 2001:db8:0:0:0:0:0:1",
                "ns2.example.org. 3600 IN A 192.0.2.2",
                "ns2.example.org. 3600 IN AAAA 2001:db8:0:0:0:0:0:2");
    }

    @Test
    void anyOverUdpAtAWildcardIsOneSynthesizedRRset() {
        Reply reply = engine.ask("anything.wild.example.org.", Type.ANY);

        assertThat(reply.answer()).containsExactly("anything.wild.example.org. 3600 IN A 192.0.2.100");
    }

    @Test
    void anyOverUdpAtADnameOwnerIsTheDname() {
        Reply reply = engine.ask("dn.example.org.", Type.ANY);

        assertThat(reply.answer()).containsExactly("dn.example.org. 1800 IN DNAME example.net.");
    }

    @Test
    void anyOverUdpWhoseOneRRsetDoesNotFitIsTruncatedAndEmpty() {
        Reply reply = engine.ask("big.example.org.", Type.ANY);

        assertThat(reply.flag(Flags.TC)).isTrue();
        assertThat(reply.answer()).isEmpty();
    }

    @Test
    void anyOverTcpReturnsEveryRRsetAtTheName() {
        Reply reply = engine.tcp(query("multi.example.org.", Type.ANY));

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).containsExactlyInAnyOrderElementsOf(MULTI);
    }

    @Test
    void anyOverTcpAtTheApexReturnsSoaNsAndMx() {
        Reply reply = engine.tcp(query("example.org.", Type.ANY));

        assertThat(reply.answer()).containsExactlyInAnyOrder(
                "example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 2026112301 7200 3600 1209600 300",
                "example.org. 3600 IN NS ns1.example.org.",
                "example.org. 3600 IN NS ns2.example.org.",
                "example.org. 3600 IN MX 10 mail.example.org.");
    }

    @Test
    void anyAtAnAliasReturnsTheCnameWithoutFollowingIt() {
        // RFC 1034 §3.6.2: the CNAME is the only RRset at the alias, and ANY does not chase it
        Reply reply = engine.tcp(query("a.example.org.", Type.ANY));

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).containsExactly("a.example.org. 3600 IN CNAME b.example.org.");
    }

    @Test
    void anyAtAMissingNameIsNxdomainOnBothTransports() {
        for (Reply reply : List.of(engine.ask("nope.example.org.", Type.ANY), engine.tcp(query("nope.example.org.", Type.ANY)))) {
            assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(reply.answer()).isEmpty();
            assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
        }
    }

    @Test
    void anyAtAnEmptyNonTerminalIsNodata() {
        Reply reply = engine.tcp(query("ent.example.org.", Type.ANY));

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).isEmpty();
        assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
    }

    @Test
    void anyBelowADelegationIsAReferral() {
        for (Reply reply : List.of(engine.ask("www.child.example.org.", Type.ANY),
                engine.tcp(query("www.child.example.org.", Type.ANY)))) {
            assertThat(reply.flag(Flags.AA)).isFalse();
            assertThat(reply.answer()).isEmpty();
            assertThat(reply.authority()).containsExactlyInAnyOrder(Rfc1034LookupTest.CHILD_NS);
        }
    }

    @Test
    void anyAtAWildcardMatchIsSynthesizedWithTheQname() {
        Reply reply = engine.tcp(query("anything.wild.example.org.", Type.ANY));

        assertThat(reply.answer()).containsExactlyInAnyOrder(
                "anything.wild.example.org. 3600 IN A 192.0.2.100", "anything.wild.example.org. 3600 IN TXT \"wildcard\"");
    }
}
