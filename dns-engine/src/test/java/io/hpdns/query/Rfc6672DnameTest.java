package io.hpdns.query;

import static io.hpdns.query.Rfc1034LookupTest.SOA_NEGATIVE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * RFC 6672 DNAME redirection. The zone has {@code dn DNAME example.net.} and
 * {@code inner DNAME tgt.example.org.} (both TTL 1800, the zone default is 3600), and {@code long},
 * whose 249-octet target makes substitution overflow for owner prefixes longer than 6 octets.
 */
class Rfc6672DnameTest {

    private static final String DN = "dn.example.org. 1800 IN DNAME example.net.";
    private static final String INNER = "inner.example.org. 1800 IN DNAME tgt.example.org.";
    private static final String LONG_TARGET = "p".repeat(60) + "." + "q".repeat(60) + "." + "r".repeat(60) + "."
            + "s".repeat(60) + ".net.";

    private final EngineFixture engine = EngineFixture.parentOnly();

    @Test
    void nameBelowDnameGetsTheDnameAndASynthesizedCname() {
        // RFC 6672 §3.1: the DNAME, then a CNAME owned by the QNAME with the DNAME's TTL
        Reply reply = engine.ask("www.dn.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).containsExactly(DN, "www.dn.example.org. 1800 IN CNAME www.example.net.");
        assertThat(reply.authority()).isEmpty();
    }

    @Test
    void substitutionKeepsEveryLabelBelowTheOwner() {
        Reply reply = engine.ask("a.b.dn.example.org.", Type.AAAA);

        assertThat(reply.answer()).containsExactly(DN, "a.b.dn.example.org. 1800 IN CNAME a.b.example.net.");
    }

    @Test
    void anyQtypeBelowTheDnameIsRedirectedEvenCname() {
        // RFC 6672 §3.1: below the owner every query is redirected, qtype CNAME and DNAME included
        assertThat(engine.ask("www.dn.example.org.", Type.CNAME).answer())
                .containsExactly(DN, "www.dn.example.org. 1800 IN CNAME www.example.net.");
        assertThat(engine.ask("www.dn.example.org.", Type.DNAME).answer())
                .containsExactly(DN, "www.dn.example.org. 1800 IN CNAME www.example.net.");
    }

    @Test
    void synthesizedCnameIntoTheZoneIsFollowed() {
        Reply reply = engine.ask("www.inner.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).containsExactly(
                INNER,
                "www.inner.example.org. 1800 IN CNAME www.tgt.example.org.",
                "www.tgt.example.org. 3600 IN A 192.0.2.90");
    }

    @Test
    void synthesizedCnameIntoTheZoneEndingInNodataCarriesTheSoa() {
        Reply reply = engine.ask("www.inner.example.org.", Type.MX);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).containsExactly(INNER, "www.inner.example.org. 1800 IN CNAME www.tgt.example.org.");
        assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
    }

    @Test
    void synthesizedCnameToAMissingNameInTheZoneIsNxdomain() {
        // RFC 6604 §3: the RCODE reflects the last name of the chain
        Reply reply = engine.ask("nope.inner.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(reply.answer()).containsExactly(INNER, "nope.inner.example.org. 1800 IN CNAME nope.tgt.example.org.");
        assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
    }

    @Test
    void dnameQueryAtTheOwnerReturnsTheDname() {
        Reply reply = engine.ask("dn.example.org.", Type.DNAME);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).containsExactly(DN);
    }

    @Test
    void otherQueryAtTheOwnerIsAnOrdinaryLookup() {
        // RFC 6672 §2.3: the DNAME redirects names below its owner, never the owner itself
        Reply reply = engine.ask("dn.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).isEmpty();
        assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
    }

    @Test
    void dnameAtTheZoneApexRedirectsTheNamesBelowIt() {
        // RFC 6672 §2.3: a DNAME may sit at the apex beside SOA and NS; it redirects everything below
        EngineFixture apexDname = EngineFixture.serving(EngineFixture.zone("apex-dname.example.", "apex-dname.example.zone"));

        Reply reply = apexDname.ask("www.apex-dname.example.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).containsExactly(
                "apex-dname.example. 3600 IN DNAME example.net.", "www.apex-dname.example. 3600 IN CNAME www.example.net.");
    }

    @Test
    void dnameAtTheZoneApexLeavesTheApexItself() {
        EngineFixture apexDname = EngineFixture.serving(EngineFixture.zone("apex-dname.example.", "apex-dname.example.zone"));

        Reply reply = apexDname.ask("apex-dname.example.", Type.A);

        assertThat(reply.answer()).containsExactly("apex-dname.example. 3600 IN A 192.0.2.242");
    }

    @Test
    void substitutionOfExactly255OctetsIsSynthesized() {
        // "abcde" (6 octets with its length) + the 249-octet target = 255, the limit of RFC 1035 §2.3.4;
        // over TCP, as the two long names need more than 512 bytes
        Reply reply = engine.tcp(EngineFixture.query("abcde.long.example.org.", Type.A));

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).containsExactly(
                "long.example.org. 3600 IN DNAME " + LONG_TARGET,
                "abcde.long.example.org. 3600 IN CNAME abcde." + LONG_TARGET);
    }

    @Test
    void substitutionOverflowingTheNameLengthIsYxdomain() {
        // RFC 6672 §2.2: "abcdef" (7 octets) + 249 = 256 octets cannot exist
        Reply reply = engine.tcp(EngineFixture.query("abcdef.long.example.org.", Type.A));

        assertThat(reply.rcode()).isEqualTo(Rcode.YXDOMAIN);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).as("the DNAME, and no CNAME as none can be synthesized")
                .containsExactly("long.example.org. 3600 IN DNAME " + LONG_TARGET);
        assertThat(reply.authority()).isEmpty();
    }
}
