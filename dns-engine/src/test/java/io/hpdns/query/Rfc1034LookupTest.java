package io.hpdns.query;

import static io.hpdns.query.EngineFixture.query;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The authoritative part of the RFC 1034 §4.3.2 algorithm: exact matches, negative answers,
 * CNAMEs, zone cuts and the choice of zone. Responses are minimal, like Knot DNS: no apex NS in the
 * authority section of positive answers.
 */
class Rfc1034LookupTest {

    static final String SOA_NEGATIVE =
            "example.org. 300 IN SOA ns1.example.org. hostmaster.example.org. 2026112301 7200 3600 1209600 300";
    static final String CHILD_SOA_NEGATIVE = "child.example.org. 300 IN SOA ns1.child.example.org."
            + " hostmaster.child.example.org. 2026112302 7200 3600 1209600 300";
    static final String[] CHILD_NS = {
        "child.example.org. 3600 IN NS ns1.child.example.org.", "child.example.org. 3600 IN NS ns2.child.example.org."
    };
    static final String[] CHILD_GLUE = {
        "ns1.child.example.org. 3600 IN A 192.0.2.201", "ns2.child.example.org. 3600 IN AAAA 2001:db8:0:0:0:0:0:202"
    };

    private final EngineFixture engine = EngineFixture.parentOnly();

    @Nested
    class ExactMatch {

        @Test
        void exactMatchIsAuthoritativeWithTheRRsetAloneInTheAnswer() {
            Reply reply = engine.ask("www.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).containsExactly("www.example.org. 3600 IN A 192.0.2.80");
            assertThat(reply.authority()).isEmpty();
            assertThat(reply.additional()).isEmpty();
        }

        @Test
        void questionIsEchoed() {
            Reply reply = engine.ask("www.example.org.", Type.AAAA);

            assertThat(reply.count(Section.QUESTION)).isEqualTo(1);
            assertThat(Reply.text(reply.question())).isEqualTo("www.example.org. 0 IN AAAA ");
            assertThat(reply.answer()).containsExactly("www.example.org. 3600 IN AAAA 2001:db8:0:0:0:0:0:80");
        }

        @Test
        void apexSoaIsServedWithItsOwnTtl() {
            Reply reply = engine.ask("example.org.", Type.SOA);

            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).containsExactly(
                    "example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 2026112301 7200 3600 1209600 300");
            assertThat(reply.authority()).isEmpty();
        }
    }

    @Nested
    class NegativeAnswers {

        @Test
        void nodataIsNoerrorWithEmptyAnswerAndSoaInAuthority() {
            Reply reply = engine.ask("www.example.org.", Type.MX);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).isEmpty();
            assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
            assertThat(reply.additional()).isEmpty();
        }

        @Test
        void nxdomainHasSoaInAuthority() {
            Reply reply = engine.ask("nope.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).isEmpty();
            assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
            assertThat(reply.additional()).isEmpty();
        }

        @Test
        void emptyNonTerminalIsNodataNotNxdomain() {
            // ent.example.org owns no data but host.ent.example.org exists below it (RFC 4592 §2.2.2)
            Reply reply = engine.ask("ent.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).isEmpty();
            assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
        }

        @Test
        void nameBelowAnExistingLeafIsNxdomain() {
            Reply reply = engine.ask("deeper.www.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
        }
    }

    @Nested
    class NameMatching {

        @Test
        void asciiLettersMatchInEitherCase() {
            // RFC 1034 §3.1, RFC 4343 §3: the zone has "MiXeD"; the answer owner is the question's spelling
            assertThat(engine.ask("mixed.example.org.", Type.A).answer())
                    .containsExactly("mixed.example.org. 3600 IN A 192.0.2.78");
            assertThat(engine.ask("MIXED.EXAMPLE.ORG.", Type.A).answer())
                    .containsExactly("MIXED.EXAMPLE.ORG. 3600 IN A 192.0.2.78");
        }

        @Test
        void octetsAboveAsciiAreMatchedExactly() {
            // RFC 4343 §3: only A-Z/a-z fold; 0xE1 and 0xC1 are different names (unlike Latin-1 á and Á)
            assertThat(engine.ask("\\225.example.org.", Type.A).answer())
                    .containsExactly("\\225.example.org. 3600 IN A 192.0.2.77");

            Reply other = engine.ask("\\193.example.org.", Type.A);

            assertThat(other.rcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(other.answer()).isEmpty();
        }

        @Test
        void dotAndNulOctetsInsideALabelAreOrdinaryOctets() {
            // RFC 2181 §11: a label is any octets; "www\\000" is not "www", "a\\.b" is one label
            Reply nul = engine.ask("www\\000.example.org.", Type.A);
            Reply dot = engine.ask("a\\.b.example.org.", Type.A);

            assertThat(nul.rcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(nul.question().getName().toString()).isEqualTo("www\\000.example.org.");
            assertThat(dot.rcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(dot.question().getName().toString()).isEqualTo("a\\.b.example.org.");
        }
    }

    @Nested
    class Cnames {

        @Test
        void cnameChainIsFollowedWithinTheZoneInChainOrder() {
            Reply reply = engine.ask("a.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).containsExactly(
                    "a.example.org. 3600 IN CNAME b.example.org.",
                    "b.example.org. 3600 IN CNAME www.example.org.",
                    "www.example.org. 3600 IN A 192.0.2.80");
            assertThat(reply.authority()).isEmpty();
        }

        @Test
        void cnameChainEndingInNodataCarriesTheSoa() {
            // RFC 2308 §2.2: NODATA at the end of the chain, the chain stays in the answer
            Reply reply = engine.ask("a.example.org.", Type.MX);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.answer()).containsExactly(
                    "a.example.org. 3600 IN CNAME b.example.org.", "b.example.org. 3600 IN CNAME www.example.org.");
            assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
        }

        @Test
        void cnameToANameOutsideTheZoneStopsAtTheCname() {
            Reply reply = engine.ask("out.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).containsExactly("out.example.org. 3600 IN CNAME www.example.net.");
            assertThat(reply.authority()).isEmpty();
        }

        @Test
        void cnameChainEndingAtAMissingNameIsNxdomainWithTheChain() {
            // RFC 6604 §3: the RCODE describes the last name in the chain
            Reply reply = engine.ask("dangling.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).containsExactly("dangling.example.org. 3600 IN CNAME nowhere.example.org.");
            assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
        }

        @Test
        void cnameIntoADelegationIsFollowedByTheReferral() {
            // RFC 1034 §4.3.2 step 3b after a restart at the CNAME target; AA describes the first
            // owner of the answer, which is authoritative (RFC 6604 §2.1)
            Reply reply = engine.ask("tochild.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).containsExactly("tochild.example.org. 3600 IN CNAME www.child.example.org.");
            assertThat(reply.authority()).containsExactlyInAnyOrder(CHILD_NS);
            assertThat(reply.additional()).containsExactlyInAnyOrder(CHILD_GLUE);
        }

        @Test
        void cnameToAWildcardCoveredNameGetsTheSynthesizedRecord() {
            Reply reply = engine.ask("towild.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.answer()).containsExactly(
                    "towild.example.org. 3600 IN CNAME x.wild.example.org.", "x.wild.example.org. 3600 IN A 192.0.2.100");
        }

        @Test
        void cnameIntoADnameSubtreeIsRedirectedAgain() {
            Reply reply = engine.ask("todname.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.answer()).containsExactly(
                    "todname.example.org. 3600 IN CNAME www.inner.example.org.",
                    "inner.example.org. 1800 IN DNAME tgt.example.org.",
                    "www.inner.example.org. 1800 IN CNAME www.tgt.example.org.",
                    "www.tgt.example.org. 3600 IN A 192.0.2.90");
        }

        @Test
        void qtypeCnameAtAnAliasReturnsOnlyTheCname() {
            Reply reply = engine.ask("a.example.org.", Type.CNAME);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.answer()).containsExactly("a.example.org. 3600 IN CNAME b.example.org.");
            assertThat(reply.authority()).isEmpty();
        }

        @Test
        void cnameLoopIsAnsweredOnceAroundTheLoop() {
            // RFC 1034 §3.6.2: loops must not make the server fail; each CNAME appears once
            EngineFixture loop = EngineFixture.serving(EngineFixture.zone("loop.example.", "loop.example.zone"));

            Reply reply = loop.ask("loop1.loop.example.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.answer()).containsExactly(
                    "loop1.loop.example. 3600 IN CNAME loop2.loop.example.",
                    "loop2.loop.example. 3600 IN CNAME loop1.loop.example.");
        }

        @Test
        void cnameToItselfIsAnsweredOnce() {
            EngineFixture loop = EngineFixture.serving(EngineFixture.zone("loop.example.", "loop.example.zone"));

            Reply reply = loop.ask("self.loop.example.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.answer()).containsExactly("self.loop.example. 3600 IN CNAME self.loop.example.");
        }
    }

    @Nested
    class ZoneCuts {

        @Test
        void queryAtTheCutIsAReferral() {
            Reply reply = engine.ask("child.example.org.", Type.A);

            assertReferralToChild(reply);
        }

        @Test
        void queryBelowTheCutIsAReferral() {
            Reply reply = engine.ask("www.child.example.org.", Type.A);

            assertReferralToChild(reply);
        }

        @Test
        void nsQueryAtTheCutIsAReferralNotAnAuthoritativeAnswer() {
            // RFC 1034 §4.3.2 step 3b, RFC 2181 §6.1: the parent's NS at a cut is not authoritative
            Reply reply = engine.ask("child.example.org.", Type.NS);

            assertReferralToChild(reply);
        }

        @Test
        void glueIsNotAnsweredAuthoritatively() {
            // RFC 2181 §5.4.1: glue below a cut is not zone data; the query gets the referral
            Reply reply = engine.ask("ns1.child.example.org.", Type.A);

            assertReferralToChild(reply);
        }

        @Test
        void dsAtTheCutIsAnsweredByTheParent() {
            // RFC 4034 §5, RFC 4035 §3.1.4.1: the DS RRset lives on the parent side of the cut
            Reply reply = engine.ask("child.example.org.", Type.DS);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).containsExactly("child.example.org. 3600 IN DS 12345 13 2"
                    + " 2BB183AF5F22588179A53B0A98631FAD1A292118DEEC3B3B8B1D1B9DBF0B84A3");
        }

        @Test
        void dsBelowTheCutIsAReferral() {
            // only the cut's own DS is parent-side data; below it the child is authoritative
            Reply reply = engine.ask("www.child.example.org.", Type.DS);

            assertReferralToChild(reply);
        }

        @Test
        void dsAtAnApexWhoseParentIsNotServedIsNodataFromTheZoneItself() {
            // RFC 4035 §3.1.4.1: not authoritative for the parent, the server answers from the child side
            Reply reply = engine.ask("example.org.", Type.DS);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).isEmpty();
            assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
        }

        @Test
        void dsAtACutWithoutDsIsNodataFromTheParent() {
            // RFC 4035 §3.1.4.1: the parent is authoritative for the (absent) DS at its cut
            Reply reply = engine.ask("ext.example.org.", Type.DS);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).isEmpty();
            assertThat(reply.authority()).containsExactly(SOA_NEGATIVE);
        }

        @Test
        void referralCarriesAuthoritativeAddressesOfNameServersElsewhereInTheZone() {
            // RFC 1034 §4.3.2 step 3b "whatever addresses are available"; RFC 9471 §3.2 sibling glue
            Reply reply = engine.ask("www.side.example.org.", Type.A);

            assertThat(reply.flag(Flags.AA)).isFalse();
            assertThat(reply.answer()).isEmpty();
            assertThat(reply.authority()).containsExactly("side.example.org. 3600 IN NS ns1.example.org.");
            assertThat(reply.additional()).containsExactlyInAnyOrder(
                    "ns1.example.org. 3600 IN A 192.0.2.1", "ns1.example.org. 3600 IN AAAA 2001:db8:0:0:0:0:0:1");
        }

        @Test
        void referralToServersOutsideTheZoneHasNoAdditional() {
            Reply reply = engine.ask("host.ext.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isFalse();
            assertThat(reply.answer()).isEmpty();
            assertThat(reply.authority()).containsExactlyInAnyOrder(
                    "ext.example.org. 3600 IN NS ns.example.net.", "ext.example.org. 3600 IN NS ns.example.com.");
            assertThat(reply.additional()).isEmpty();
        }

        private void assertReferralToChild(Reply reply) {
            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).as("AA on a referral").isFalse();
            assertThat(reply.answer()).isEmpty();
            assertThat(reply.authority()).containsExactlyInAnyOrder(CHILD_NS);
            assertThat(reply.additional()).containsExactlyInAnyOrder(CHILD_GLUE);
        }
    }

    @Nested
    class ZoneSelection {

        private final EngineFixture both = EngineFixture.parentAndChild();

        @Test
        void childZoneAnswersItsNamesByLongestMatch() {
            Reply reply = both.ask("www.child.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).containsExactly("www.child.example.org. 3600 IN A 192.0.2.210");
            assertThat(reply.authority()).isEmpty();
        }

        @Test
        void childApexNsIsAuthoritativeFromTheChild() {
            Reply reply = both.ask("child.example.org.", Type.NS);

            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).containsExactlyInAnyOrder(CHILD_NS);
            assertThat(reply.authority()).isEmpty();
            assertThat(reply.additional()).containsExactlyInAnyOrder(CHILD_GLUE);
        }

        @Test
        void childNegativeAnswersCarryTheChildSoa() {
            Reply reply = both.ask("nope.child.example.org.", Type.A);

            assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.authority()).containsExactly(CHILD_SOA_NEGATIVE);
        }

        @Test
        void dsAtTheCutIsAnsweredByTheParentEvenWhenTheChildIsServed() {
            // RFC 4035 §3.1.4.1: a server authoritative for both sides answers DS from the parent
            Reply reply = both.ask("child.example.org.", Type.DS);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).hasSize(1).allMatch(line -> line.startsWith("child.example.org. 3600 IN DS 12345 13 2 "));
            assertThat(reply.authority()).isEmpty();
        }

        @Test
        void dsBelowTheChildApexIsAnsweredByTheChild() {
            Reply reply = both.ask("www.child.example.org.", Type.DS);

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).isEmpty();
            assertThat(reply.authority()).containsExactly(CHILD_SOA_NEGATIVE);
        }

        @Test
        void parentNamesAreStillAnsweredByTheParent() {
            Reply reply = both.ask("www.example.org.", Type.A);

            assertThat(reply.answer()).containsExactly("www.example.org. 3600 IN A 192.0.2.80");
        }

        @Test
        void nameInNoServedZoneIsRefused() {
            Reply reply = both.udp(query("www.example.net.", Type.A));

            assertRefusedWithQuestionOnly(reply, "www.example.net. 0 IN A ");
        }

        @Test
        void nameAboveTheServedZonesIsRefused() {
            assertRefusedWithQuestionOnly(both.ask("org.", Type.NS), "org. 0 IN NS ");
            assertRefusedWithQuestionOnly(both.ask(".", Type.NS), ". 0 IN NS ");
        }

        @Test
        void qclassAnyIsAnsweredFromTheInData() {
            // RFC 1035 §3.2.5: QCLASS * matches any class; the zones are class IN
            Reply reply = both.udp(query("www.example.org.", Type.A, DClass.ANY));

            assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).containsExactly("www.example.org. 3600 IN A 192.0.2.80");
        }

        @ParameterizedTest
        @ValueSource(ints = {DClass.NONE, DClass.HS, 42})
        void otherClassesAreRefused(int dclass) {
            Reply reply = both.udp(query("www.example.org.", Type.A, dclass));

            assertThat(reply.rcode()).isEqualTo(Rcode.REFUSED);
            assertThat(reply.flag(Flags.AA)).isFalse();
            assertThat(reply.count(Section.ANSWER)).isZero();
        }

        private void assertRefusedWithQuestionOnly(Reply reply, String question) {
            assertThat(reply.rcode()).isEqualTo(Rcode.REFUSED);
            assertThat(reply.flag(Flags.AA)).isFalse();
            assertThat(Reply.text(reply.question())).isEqualTo(question);
            assertThat(reply.count(Section.ANSWER)).isZero();
            assertThat(reply.count(Section.AUTHORITY)).isZero();
            assertThat(reply.count(Section.ADDITIONAL)).isZero();
        }
    }

    @Nested
    class AdditionalSection {

        @Test
        void apexNsTargetsAddressesAreAdded() {
            Reply reply = engine.ask("example.org.", Type.NS);

            assertThat(reply.flag(Flags.AA)).isTrue();
            assertThat(reply.answer()).containsExactlyInAnyOrder(
                    "example.org. 3600 IN NS ns1.example.org.", "example.org. 3600 IN NS ns2.example.org.");
            assertThat(reply.authority()).isEmpty();
            assertThat(reply.additional()).containsExactlyInAnyOrder(
                    "ns1.example.org. 3600 IN A 192.0.2.1",
                    "ns1.example.org. 3600 IN AAAA 2001:db8:0:0:0:0:0:1",
                    "ns2.example.org. 3600 IN A 192.0.2.2",
                    "ns2.example.org. 3600 IN AAAA 2001:db8:0:0:0:0:0:2");
        }

        @Test
        void mxTargetAddressesAreAdded() {
            // RFC 1035 §3.3.9: MX causes additional section processing for the exchange
            Reply reply = engine.ask("example.org.", Type.MX);

            assertThat(reply.answer()).containsExactly("example.org. 3600 IN MX 10 mail.example.org.");
            assertThat(reply.additional()).containsExactlyInAnyOrder(
                    "mail.example.org. 3600 IN A 192.0.2.25", "mail.example.org. 3600 IN AAAA 2001:db8:0:0:0:0:0:25");
        }

        @Test
        void srvTargetAddressesAreAdded() {
            // RFC 2782: the target's addresses may go in the additional section
            Reply reply = engine.ask("_sip._udp.example.org.", Type.SRV);

            assertThat(reply.answer()).containsExactly("_sip._udp.example.org. 3600 IN SRV 10 60 5060 sip.example.org.");
            assertThat(reply.additional()).containsExactly("sip.example.org. 3600 IN A 192.0.2.53");
        }

        @Test
        void svcbAndHttpsTargetAddressesAreAdded() {
            // RFC 9460 §4.1: the in-zone TargetName's A and AAAA, in ServiceMode and AliasMode alike
            for (String qname : new String[] {"svc.example.org.", "alias.example.org."}) {
                Reply reply = engine.ask(qname, Type.HTTPS);

                assertThat(reply.answer()).singleElement().asString().contains(" IN HTTPS ").contains(" www.example.org.");
                assertThat(reply.additional()).containsExactlyInAnyOrder(
                        "www.example.org. 3600 IN A 192.0.2.80", "www.example.org. 3600 IN AAAA 2001:db8:0:0:0:0:0:80");
            }
            Reply svcb = engine.ask("_dns.svc.example.org.", Type.SVCB);
            assertThat(svcb.additional()).containsExactlyInAnyOrder(
                    "ns1.example.org. 3600 IN A 192.0.2.1", "ns1.example.org. 3600 IN AAAA 2001:db8:0:0:0:0:0:1");
        }
    }
}
