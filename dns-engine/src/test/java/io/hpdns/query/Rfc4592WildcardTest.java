package io.hpdns.query;

import static io.hpdns.query.Rfc1034LookupTest.SOA_NEGATIVE;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * RFC 4592 wildcards. The zone has {@code *.wild} (A, TXT), the existing name {@code exists.wild}
 * (TXT), the empty non-terminal {@code sub.wild} (above {@code host.sub.wild}), and the wildcard
 * CNAME {@code *.wc -> www}.
 */
class Rfc4592WildcardTest {

    private final EngineFixture engine = EngineFixture.parentOnly();

    @Test
    void wildcardSynthesizesTheRRsetWithQnameAsOwner() {
        // RFC 4592 §3.3.1: the synthesized RRset's owner is the QNAME
        Reply reply = engine.ask("anything.wild.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).containsExactly("anything.wild.example.org. 3600 IN A 192.0.2.100");
        assertThat(reply.authority()).isEmpty();
    }

    @Test
    void wildcardMatchesSeveralLabelsBelowTheClosestEncloser() {
        // RFC 4592 §2.1.1: the closest encloser is wild.example.org, the source of synthesis *.wild
        Reply reply = engine.ask("a.b.c.wild.example.org.", Type.TXT);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).containsExactly("a.b.c.wild.example.org. 3600 IN TXT \"wildcard\"");
    }

    @Test
    void wildcardWithoutTheQtypeIsNodata() {
        // RFC 4592 §3.3.1: the wildcard matches, it just has no MX
        Reply reply = engine.ask("anything.wild.example.org.", Type.MX);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).isEmpty();
        assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
    }

    @Test
    void existingNameBlocksTheWildcard() {
        // RFC 4592 §2.2.1: exists.wild exists, so the wildcard is not used even for types it lacks
        Reply reply = engine.ask("exists.wild.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).isEmpty();
        assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
    }

    @Test
    void existingNameAnswersItsOwnData() {
        Reply reply = engine.ask("exists.wild.example.org.", Type.TXT);

        assertThat(reply.answer()).containsExactly("exists.wild.example.org. 3600 IN TXT \"exists\"");
    }

    @Test
    void emptyNonTerminalBlocksTheWildcard() {
        // RFC 4592 §2.2.2: sub.wild exists as an empty non-terminal and is not matched by *.wild
        Reply reply = engine.ask("sub.wild.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).isEmpty();
        assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
    }

    @Test
    void wildcardAppliesOnlyAtTheClosestEncloserBelowAnEmptyNonTerminal() {
        // RFC 4592 §3.3.1: the closest encloser is sub.wild, which has no *.sub.wild: NXDOMAIN
        Reply reply = engine.ask("other.sub.wild.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).isEmpty();
        assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
    }

    @Test
    void wildcardAppliesOnlyAtTheClosestEncloserBelowAnExistingName() {
        // RFC 4592 §3.3.1: the closest encloser is exists.wild, which has no *.exists.wild: NXDOMAIN
        Reply reply = engine.ask("x.exists.wild.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(reply.answer()).isEmpty();
        assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
    }

    @Test
    void wildcardCnameIsSynthesizedWithQnameAsOwnerAndFollowed() {
        Reply reply = engine.ask("anything.wc.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).containsExactly(
                "anything.wc.example.org. 3600 IN CNAME www.example.org.", "www.example.org. 3600 IN A 192.0.2.80");
    }

    @Test
    void queryForTheLiteralAsteriskNameIsAnExactMatch() {
        // RFC 4592 §2.1.1: a query for "*.wild" matches the wildcard's own owner, nothing is synthesized
        Reply reply = engine.ask("*.wild.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).containsExactly("*.wild.example.org. 3600 IN A 192.0.2.100");
    }

    @Test
    void wildcardDoesNotMatchItsOwnParent() {
        // wild.example.org is the closest encloser itself, an empty non-terminal: NODATA
        Reply reply = engine.ask("wild.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).isEmpty();
        assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
    }
}
