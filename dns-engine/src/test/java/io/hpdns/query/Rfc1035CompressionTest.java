package io.hpdns.query;

import static io.hpdns.query.EngineFixture.query;
import static io.hpdns.query.EngineFixture.withEdns;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Message compression (RFC 1035 §4.1.4): a pointer has 14 bits, so only names that start below
 * offset 0x4000 can be pointed at. huge.example has answers of 20 to 30 KB over TCP, with names to
 * write after that offset.
 */
class Rfc1035CompressionTest {

    private final EngineFixture engine = EngineFixture.serving(EngineFixture.zone("huge.example.", "huge.example.zone"));

    @Test
    void namesBeyondTheReachOfAPointerAreStillRightInALargeTcpAnswer() {
        Reply reply = engine.tcp(query("huge.example.", Type.MX));

        assertThat(reply.flag(Flags.TC)).isFalse();
        assertThat(reply.length()).isGreaterThan(0x4000);
        List<Record> answer = reply.records(Section.ANSWER);
        assertThat(answer).hasSize(1200);
        Set<Name> exchanges = new HashSet<>();
        for (Record record : answer) {
            MXRecord mx = (MXRecord) record;
            assertThat(mx.getName()).hasToString("huge.example.");
            assertThat(mx.getTarget()).hasToString("mx" + mx.getPriority() + ".huge.example.");
            exchanges.add(mx.getTarget());
        }
        // RFC 2181 §9: additional data is optional, whatever part of it is sent must be right
        List<Record> additional = reply.records(Section.ADDITIONAL);
        assertThat(additional).isNotEmpty();
        for (Record record : additional) {
            AAAARecord aaaa = (AAAARecord) record;
            assertThat(exchanges).contains(aaaa.getName());
            // the AAAA of mxN is 2001:db8:3::N, the decimal digits of N read as one hex group
            String n = aaaa.getName().getLabelString(0).substring(2);
            assertThat(aaaa.rdataToString()).isEqualTo("2001:db8:3:0:0:0:0:" + n);
        }
    }

    @Test
    void namesWrittenAfterOffset0x3fffAreNotPointedAt() {
        // ANY over TCP: the 21 KB TXT RRset (type 16) comes before the SRV (type 33), so the SRV
        // target is written after 0x3FFF and the additional A/AAAA owners cannot point at it
        Reply reply = engine.tcp(query("_big._tcp.huge.example.", Type.ANY));

        assertThat(reply.flag(Flags.TC)).isFalse();
        assertThat(reply.answer()).hasSize(81).contains("_big._tcp.huge.example. 3600 IN SRV 0 0 443 srvtarget.huge.example.");
        assertThat(reply.additional()).containsExactlyInAnyOrder(
                "srvtarget.huge.example. 3600 IN A 192.0.2.241",
                "srvtarget.huge.example. 3600 IN AAAA 2001:db8:3:0:0:0:0:ffff");
    }

    @Test
    void largeAnswerOverUdpIsTruncatedWithinTheLimit() {
        Reply reply = engine.udp(withEdns(query("huge.example.", Type.MX), 4096));

        assertThat(reply.flag(Flags.TC)).isTrue();
        assertThat(reply.answer()).isEmpty();
    }
}
