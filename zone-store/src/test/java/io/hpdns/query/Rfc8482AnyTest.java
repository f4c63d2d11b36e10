package io.hpdns.query;

import static io.hpdns.query.EngineFixture.query;
import static io.hpdns.query.EngineFixture.withEdns;
import static io.hpdns.query.Rfc1034LookupTest.SOA_NEGATIVE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * QTYPE ANY (RFC 8482). Over UDP the answer is minimal, so ANY cannot be used for amplification:
 * one complete RRset of the name, or the synthesized HINFO "RFC8482" (§4.1, §4.2). Over TCP, where
 * the client's address is proven, every RRset of the name. multi.example.org has A, TXT and MX.
 */
class Rfc8482AnyTest {

    private static final List<String> MULTI = List.of(
            "multi.example.org. 3600 IN A 192.0.2.30",
            "multi.example.org. 3600 IN TXT \"multi\"",
            "multi.example.org. 3600 IN MX 10 mail.example.org.");

    private final EngineFixture engine = EngineFixture.parentOnly();

    @Test
    void anyOverUdpIsAnsweredWithOneRRsetOrTheRfc8482Hinfo() {
        Reply reply = engine.ask("multi.example.org.", Type.ANY);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.flag(Flags.TC)).isFalse();
        assertMinimalAnyAnswer(reply, "multi.example.org.", MULTI);
    }

    @Test
    void anyOverUdpWithEdnsIsStillMinimal() {
        Reply reply = engine.udp(withEdns(query("multi.example.org.", Type.ANY), 4096));

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertMinimalAnyAnswer(reply, "multi.example.org.", MULTI);
    }

    @Test
    void anyOverUdpAtTheApexIsMinimal() {
        Reply reply = engine.ask("example.org.", Type.ANY);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertMinimalAnyAnswer(reply, "example.org.", List.of(
                "example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 2026112301 7200 3600 1209600 300",
                "example.org. 3600 IN NS ns1.example.org.",
                "example.org. 3600 IN NS ns2.example.org.",
                "example.org. 3600 IN MX 10 mail.example.org."));
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

    /** RFC 8482 §4.1: one RRset of the name, complete; or §4.2: one HINFO with CPU "RFC8482". */
    private static void assertMinimalAnyAnswer(Reply reply, String owner, List<String> rrsetsAtTheName) {
        List<Record> answer = reply.records(Section.ANSWER);
        assertThat(answer).as("ANY over UDP answers something").isNotEmpty();
        Set<Integer> types = new HashSet<>();
        for (Record record : answer) {
            assertThat(record.getName()).hasToString(owner);
            types.add(record.getType());
        }
        assertThat(types).as("one RRset only (RFC 8482 §4.1)").hasSize(1);
        int type = types.iterator().next();
        if (type == Type.HINFO) {
            assertThat(answer).singleElement().satisfies(record -> {
                assertThat(((HINFORecord) record).getCPU()).isEqualTo("RFC8482");
                assertThat(((HINFORecord) record).getOS()).isEmpty();
            });
        } else {
            List<String> wholeRRset = rrsetsAtTheName.stream()
                    .filter(line -> line.contains(" IN " + Type.string(type) + " ")).toList();
            assertThat(reply.answer()).as("a complete RRset of the name").containsExactlyInAnyOrderElementsOf(wholeRRset);
        }
    }
}
