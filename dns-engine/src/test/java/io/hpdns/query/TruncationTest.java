package io.hpdns.query;

import static io.hpdns.query.EngineFixture.query;
import static io.hpdns.query.EngineFixture.withEdns;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * UDP size limits and the TC bit: 512 bytes without EDNS (RFC 1035 §4.2.1), the smaller of both
 * payload sizes with EDNS, never below 512 (RFC 6891 §6.2.5), whole RRsets or nothing (RFC 2181 §9),
 * and no limit but 64 KiB over TCP (RFC 7766 §8). The zone has RRsets of 20 A (about 370 bytes
 * answered), 40 A (about 690) and 100 A (about 1650). {@link EngineFixture#udp} checks every UDP
 * response against the negotiated limit.
 */
class TruncationTest {

    private final EngineFixture engine = EngineFixture.parentOnly();

    @Test
    void oversizedAnswerWithoutEdnsIsTruncatedAt512() {
        Reply reply = engine.ask("big.example.org.", Type.A);

        assertTruncatedWithoutPartialRRset(reply, "big.example.org.", 100);
        assertThat(reply.length()).isLessThanOrEqualTo(512);
    }

    @Test
    void answerOver512WithoutEdnsIsTruncatedEvenIfItFitsTheServerSize() {
        Reply reply = engine.ask("mid.example.org.", Type.A);

        assertTruncatedWithoutPartialRRset(reply, "mid.example.org.", 40);
        assertThat(reply.length()).isLessThanOrEqualTo(512);
    }

    @Test
    void answerUnder512WithoutEdnsIsComplete() {
        Reply reply = engine.ask("twenty.example.org.", Type.A);

        assertThat(reply.flag(Flags.TC)).isFalse();
        assertThat(reply.answer()).hasSize(20);
    }

    @Test
    void ednsLimitIsTheServerSizeWhenTheClientOffersMore() {
        // client 4096, server 1232: 40 A fit, 100 A do not
        Reply fits = engine.udp(withEdns(query("mid.example.org.", Type.A), 4096));
        Reply tooBig = engine.udp(withEdns(query("big.example.org.", Type.A), 4096));

        assertThat(fits.flag(Flags.TC)).isFalse();
        assertThat(fits.answer()).hasSize(40);
        assertThat(fits.length()).isGreaterThan(512);
        assertTruncatedWithoutPartialRRset(tooBig, "big.example.org.", 100);
        assertThat(tooBig.length()).isLessThanOrEqualTo(1232);
    }

    @Test
    void ednsLimitIsTheClientSizeWhenTheServerOffersMore() {
        EngineFixture server = EngineFixture.serving(new AnswerSettings(4096, null, null, null), EngineFixture.parentZone());

        Reply fits = server.udp(withEdns(query("big.example.org.", Type.A), 4096));
        Reply tooBig = server.udp(withEdns(query("big.example.org.", Type.A), 1232));

        assertThat(fits.flag(Flags.TC)).isFalse();
        assertThat(fits.answer()).hasSize(100);
        assertTruncatedWithoutPartialRRset(tooBig, "big.example.org.", 100);
        assertThat(tooBig.length()).isLessThanOrEqualTo(1232);
    }

    @Test
    void ednsPayloadOf512LimitsTo512() {
        Reply reply = engine.udp(withEdns(query("mid.example.org.", Type.A), 512));

        assertTruncatedWithoutPartialRRset(reply, "mid.example.org.", 40);
        assertThat(reply.length()).isLessThanOrEqualTo(512);
    }

    @Test
    void ednsPayloadBelow512IsTreatedAs512() {
        // RFC 6891 §6.2.5: values lower than 512 MUST be treated as equal to 512
        Reply reply = engine.udp(withEdns(query("twenty.example.org.", Type.A), 100));

        assertThat(reply.flag(Flags.TC)).isFalse();
        assertThat(reply.answer()).hasSize(20);
        assertThat(reply.length()).isGreaterThan(100);
    }

    @Test
    void truncatedEdnsResponseKeepsTheOpt() {
        // RFC 6891 §7: a truncated response still carries the OPT RR
        Reply reply = engine.udp(withEdns(query("big.example.org.", Type.A), 1232));

        assertThat(reply.flag(Flags.TC)).isTrue();
        assertThat(reply.opt()).isNotNull();
        assertThat(reply.opt().getPayloadSize()).isEqualTo(1232);
    }

    @Test
    void truncatedResponseKeepsTheHeaderAndQuestion() {
        Reply reply = engine.ask("big.example.org.", Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(Reply.text(reply.question())).isEqualTo("big.example.org. 0 IN A ");
    }

    @Test
    void tcpIsNeverTruncated() {
        Reply reply = engine.tcp(query("big.example.org.", Type.A));

        assertThat(reply.flag(Flags.TC)).isFalse();
        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).hasSize(100).allMatch(line -> line.startsWith("big.example.org. 3600 IN A 10.0.100."));
        assertThat(reply.length()).isGreaterThan(1232);
    }

    @Test
    void rrsetLargerThanAnyMessageIsTruncatedOverTcp(@TempDir Path dir) throws IOException {
        StringBuilder zone = new StringBuilder("$ORIGIN wide.example.\n$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\n"
                + "ns A 192.0.2.1\n");
        String text = "x".repeat(250);
        for (int i = 0; i < 300; i++) {
            zone.append("txt TXT \"").append(i).append(' ').append(text).append("\"\n");
        }
        Path file = Files.writeString(dir.resolve("wide.example.zone"), zone);
        EngineFixture wide = EngineFixture.serving(EngineFixture.load(EngineFixture.name("wide.example."), file));

        // 300 records of some 255 octets: 76 KB, more than a TCP message's 65535 (RFC 7766 §8).
        Reply reply = wide.tcp(query("txt.wide.example.", Type.TXT));

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.TC)).isTrue();
        assertThat(reply.answer()).isEmpty();
    }

    @Test
    void tcpIgnoresTheEdnsPayloadSize() {
        // RFC 6891 §6.2.3: the payload size only concerns UDP
        Reply reply = engine.tcp(withEdns(query("big.example.org.", Type.A), 512));

        assertThat(reply.flag(Flags.TC)).isFalse();
        assertThat(reply.answer()).hasSize(100);
    }

    @Test
    void everyRecordOfTheBigRRsetIsServedOverTcp() {
        Reply reply = engine.tcp(query("big.example.org.", Type.A));

        for (int i = 1; i <= 100; i++) {
            assertThat(reply.answer()).contains("big.example.org. 3600 IN A 10.0.100." + i);
        }
    }

    @Test
    void cnameThatFitsIsKeptWhenItsTargetRRsetDoesNot() {
        // RFC 2181 §9: whole RRsets; the CNAME fits and stays, the 100 A do not and go entirely
        Reply reply = engine.ask("tobig.example.org.", Type.A);

        assertThat(reply.flag(Flags.TC)).isTrue();
        assertThat(reply.answer()).startsWith("tobig.example.org. 3600 IN CNAME big.example.org.");
        assertTruncatedWithoutPartialRRset(reply, "big.example.org.", 100);
    }

    @Test
    void referralWhoseInDomainGlueDoesNotFitIsTruncated() {
        // RFC 9471 §3.1: every in-domain glue record MUST be sent; when they do not all fit, TC=1.
        // wide.example.org has 13 name servers below the cut, 26 glue records: about 870 bytes
        Reply reply = engine.ask("www.wide.example.org.", Type.A);

        assertThat(reply.flag(Flags.TC)).isTrue();
        assertThat(reply.flag(Flags.AA)).isFalse();
        assertThat(reply.answer()).isEmpty();
        assertThat(reply.authority()).as("the NS RRset is whole or absent")
                .satisfiesAnyOf(ns -> assertThat(ns).isEmpty(), ns -> assertThat(ns).hasSize(13));
    }

    @Test
    void referralWithAllInDomainGlueIsNotTruncatedWhenItFits() {
        Reply reply = engine.udp(withEdns(query("www.wide.example.org.", Type.A), 1232));

        assertThat(reply.flag(Flags.TC)).isFalse();
        assertThat(reply.flag(Flags.AA)).isFalse();
        assertThat(reply.authority()).hasSize(13).allMatch(line -> line.startsWith("wide.example.org. 3600 IN NS ns"));
        assertThat(reply.additional()).hasSize(26);
    }

    @Test
    void referralOverTcpCarriesEveryInDomainGlueRecordOfManyNameServers() {
        // RFC 9471 §3.1: all in-domain glue MUST be in the referral, or TC set; over TCP all of it fits
        EngineFixture huge = EngineFixture.serving(EngineFixture.zone("huge.example.", "huge.example.zone"));

        Reply reply = huge.tcp(query("www.deleg.huge.example.", Type.A));

        assertThat(reply.flag(Flags.AA)).isFalse();
        assertThat(reply.authority()).hasSize(40);
        assertThat(reply.additional().size() == 80 || reply.flag(Flags.TC))
                .as("all 80 glue records of the 40 name servers, or TC; got %d and TC=%s",
                        reply.additional().size(), reply.flag(Flags.TC))
                .isTrue();
    }

    @Test
    void additionalAddressesThatDoNotFitAreLeftOutWithoutTc() {
        // RFC 2181 §9: TC is not set merely because extra information could not be included
        Reply reply = engine.ask("manymx.example.org.", Type.MX);

        assertThat(reply.flag(Flags.TC)).isFalse();
        assertThat(reply.answer()).hasSize(20);
        assertThat(reply.additional()).hasSizeLessThan(40).allMatch(line -> line.matches("mx\\d\\d\\.manymx\\..*"));
        assertThat(reply.length()).isLessThanOrEqualTo(512);
    }

    @Test
    void additionalAddressesAllComeOverTcp() {
        Reply reply = engine.tcp(query("manymx.example.org.", Type.MX));

        assertThat(reply.answer()).hasSize(20);
        assertThat(reply.additional()).hasSize(40);
    }

    private static void assertTruncatedWithoutPartialRRset(Reply reply, String owner, int rrsetSize) {
        assertThat(reply.flag(Flags.TC)).as("TC").isTrue();
        long served = 0;
        for (Record record : reply.records(Section.ANSWER)) {
            if (record.getName().toString().equals(owner) && record.getType() == Type.A) {
                served++;
            }
        }
        assertThat(served).as("records of the RRset in a truncated answer: all or none (RFC 2181 §9)")
                .isIn(0L, (long) rrsetSize);
    }
}
