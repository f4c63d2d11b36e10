package io.hpdns.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * RFC 2308 §3: the SOA in the authority section of a negative answer carries the negative-caching
 * TTL, min(SOA TTL, SOA MINIMUM); the SOA's own rdata is unchanged.
 */
class Rfc2308NegativeTtlTest {

    /** example.org: SOA TTL 3600, MINIMUM 300. */
    private final EngineFixture minimumBelowTtl = EngineFixture.parentOnly();

    /** negttl.example: SOA TTL 60, MINIMUM 600. */
    private final EngineFixture minimumAboveTtl =
            EngineFixture.serving(EngineFixture.zone("negttl.example.", "negttl.example.zone"));

    @Test
    void nxdomainSoaTtlIsTheMinimumWhenMinimumIsSmaller() {
        Reply reply = minimumBelowTtl.ask("nope.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertNegativeSoa(reply, "example.org.", 300, 300);
    }

    @Test
    void nodataSoaTtlIsTheMinimumWhenMinimumIsSmaller() {
        Reply reply = minimumBelowTtl.ask("www.example.org.", Type.TXT);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertNegativeSoa(reply, "example.org.", 300, 300);
    }

    @Test
    void nxdomainSoaTtlIsTheSoaTtlWhenMinimumIsLarger() {
        Reply reply = minimumAboveTtl.ask("nope.negttl.example.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertNegativeSoa(reply, "negttl.example.", 60, 600);
    }

    @Test
    void nodataSoaTtlIsTheSoaTtlWhenMinimumIsLarger() {
        Reply reply = minimumAboveTtl.ask("ns.negttl.example.", Type.AAAA);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertNegativeSoa(reply, "negttl.example.", 60, 600);
    }

    @Test
    void positiveSoaAnswerKeepsTheSoaTtl() {
        Reply reply = minimumBelowTtl.ask("example.org.", Type.SOA);

        assertThat(reply.records(Section.ANSWER)).singleElement().satisfies(soa -> {
            assertThat(soa.getTTL()).isEqualTo(3600);
            assertThat(((SOARecord) soa).getMinimum()).isEqualTo(300);
        });
    }

    @Test
    void negativeAnswerAtTheEndOfACnameChainUsesTheNegativeTtl() {
        Reply reply = minimumBelowTtl.ask("dangling.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertNegativeSoa(reply, "example.org.", 300, 300);
    }

    private static void assertNegativeSoa(Reply reply, String apex, long ttl, long minimum) {
        assertThat(reply.records(Section.AUTHORITY)).singleElement().satisfies(record -> {
            assertThat(record.getType()).isEqualTo(Type.SOA);
            assertThat(record.getName()).hasToString(apex);
            assertThat(record.getTTL()).as("negative TTL of " + Reply.text(record)).isEqualTo(ttl);
            assertThat(((SOARecord) record).getMinimum()).as("SOA MINIMUM is served unchanged").isEqualTo(minimum);
        });
        assertThat(reply.records(Section.ANSWER)).as("a negative answer holds at most a CNAME chain")
                .allMatch(record -> record.getType() == Type.CNAME);
    }
}
