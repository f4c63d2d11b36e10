package io.hpdns.query;

import static io.hpdns.query.EngineFixture.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The message header (RFC 1035 §4.1.1, RFC 6895 §2) and the question section (RFC 1035 §4.1.2):
 * what is copied, what is refused, what is dropped, and the client's letter case.
 */
class HeaderHandlingTest {

    private static final int FLAGS_HIGH = 2;

    private final EngineFixture engine = EngineFixture.parentOnly();

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 0x2a5c, 0xbeef, 0xffff})
    void idIsEchoed(int id) {
        Message query = query("www.example.org.", Type.A);
        query.getHeader().setID(id);

        Reply reply = engine.udp(query);

        assertThat(reply.id()).isEqualTo(id);
        assertThat(reply.answer()).containsExactly("www.example.org. 3600 IN A 192.0.2.80");
    }

    @Test
    void rdIsCopiedWhenSet() {
        Message query = query("www.example.org.", Type.A);
        query.getHeader().setFlag(Flags.RD);

        Reply reply = engine.udp(query);

        assertThat(reply.flag(Flags.RD)).isTrue();
    }

    @Test
    void rdStaysClearWhenClear() {
        Reply reply = engine.ask("www.example.org.", Type.A);

        assertThat(reply.flag(Flags.RD)).isFalse();
    }

    @Test
    void cdIsCopied() {
        // RFC 4035 §3: a security-aware name server MUST copy the CD bit from a query into the response
        Message query = query("www.example.org.", Type.A);
        query.getHeader().setFlag(Flags.CD);

        Reply reply = engine.udp(query);

        assertThat(reply.flag(Flags.CD)).isTrue();
        assertThat(engine.ask("www.example.org.", Type.A).flag(Flags.CD)).isFalse();
    }

    @Test
    void raIsClearOnAnAuthoritativeOnlyServer() {
        // RFC 1035 §4.1.1: RA says recursion is available; this server never recurses
        Message query = query("www.example.org.", Type.A);
        query.getHeader().setFlag(Flags.RD);

        Reply reply = engine.udp(query);

        assertThat(reply.flag(Flags.RA)).isFalse();
        assertThat(reply.flag(Flags.AD)).isFalse();
    }

    @Test
    void queryBitsThatBelongToResponsesAreNotEchoed() {
        // AA and TC describe the response (RFC 1035 §4.1.1); a query that sets them still gets our own
        byte[] wire = query("www.example.org.", Type.A).toWire();
        wire[FLAGS_HIGH] |= 0x04 | 0x02;

        Reply reply = engine.replyTo(wire, Protocol.UDP);

        assertThat(reply.flag(Flags.TC)).isFalse();
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.answer()).containsExactly("www.example.org. 3600 IN A 192.0.2.80");
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void messageWithQrSetIsDropped(Protocol protocol) {
        // answering a response would let two servers bounce a packet forever
        byte[] wire = query("www.example.org.", Type.A).toWire();
        wire[FLAGS_HIGH] |= (byte) 0x80;

        assertThat(engine.process(wire, wire.length, protocol)).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
    void opcodeOtherThanQueryIsNotImplemented(int opcode) {
        // RFC 1035 §4.1.1 RCODE 4; IQUERY is obsolete (RFC 3425 §3), STATUS and DSO (RFC 8490 §5.1) unsupported
        byte[] wire = query("www.example.org.", Type.A).toWire();
        wire[FLAGS_HIGH] = (byte) (opcode << 3);

        Reply reply = engine.replyTo(wire, Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(reply.opcode()).as("opcode copied into the response").isEqualTo(opcode);
        assertThat(reply.count(Section.ANSWER)).isZero();
        assertThat(reply.flag(Flags.AA)).isFalse();
    }

    @Test
    void noQuestionIsFormerr() {
        byte[] wire = header(0x1234, 0, 0);

        Reply reply = engine.replyTo(wire, Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
        assertThat(reply.id()).isEqualTo(0x1234);
    }

    @Test
    void twoQuestionsAreFormerr() {
        // RFC 9619: QDCOUNT is at most 1 for a query
        Message query = query("www.example.org.", Type.A);
        query.addRecord(Record.newRecord(EngineFixture.name("example.org."), Type.SOA, DClass.IN), Section.QUESTION);
        byte[] wire = query.toWire();
        assertThat(wire[5]).isEqualTo((byte) 2);

        Reply reply = engine.replyTo(wire, Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
        assertThat(reply.count(Section.ANSWER)).isZero();
    }

    @Test
    void headerAloneWithAQuestionCountIsFormerr() {
        byte[] wire = header(0x1234, 0, 1);

        Reply reply = engine.replyTo(wire, Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 16, 20, 29, 30, 31, 32})
    void truncatedQuestionIsFormerr(int length) {
        // the full question of www.example.org/A is 17 name octets + 4 = 33 bytes after the header
        byte[] full = query("www.example.org.", Type.A).toWire();
        assertThat(full).hasSize(33);

        Reply reply = engine.replyTo(Arrays.copyOf(full, length), Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
        assertThat(reply.count(Section.ANSWER)).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 5, 11})
    void messageShorterThanAHeaderIsDropped(int length) {
        byte[] full = query("www.example.org.", Type.A).toWire();

        assertThat(engine.process(full, length, Protocol.UDP)).isEqualTo(-1);
        assertThat(engine.process(full, length, Protocol.TCP)).isEqualTo(-1);
    }

    @Test
    void bytesBeyondTheQueryLengthAreNotRead() {
        byte[] query = query("www.example.org.", Type.A).toWire();
        byte[] buffer = new byte[600];
        Arrays.fill(buffer, (byte) 0xc0);
        System.arraycopy(query, 0, buffer, 0, query.length);

        int length = engine.process(buffer, query.length, Protocol.UDP);

        assertThat(length).isPositive();
        Reply reply = engine.replyTo(query, Protocol.UDP);
        assertThat(engine.lastResponse(length)).isEqualTo(reply.wire());
    }

    @Test
    void questionIsEchoedWithTheClientsLetterCase() {
        // RFC 1034 §3.1: case-insensitive matching, case preserved; resolvers rely on it (0x20 encoding)
        byte[] query = query("wWw.ExAmPlE.oRg.", Type.A).toWire();

        Reply reply = engine.replyTo(query, Protocol.UDP);

        assertThat(Arrays.copyOfRange(reply.wire(), 12, 12 + 21)).isEqualTo(Arrays.copyOfRange(query, 12, 33));
        assertThat(reply.answer()).containsExactly("wWw.ExAmPlE.oRg. 3600 IN A 192.0.2.80");
    }

    @Test
    void negativeAnswerEchoesTheClientsLetterCase() {
        byte[] query = query("NoPe.ExAmPlE.oRg.", Type.A).toWire();

        Reply reply = engine.replyTo(query, Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(reply.question().getName().toString()).isEqualTo("NoPe.ExAmPlE.oRg.");
    }

    @Test
    void wildcardAnswerOwnerHasTheClientsLetterCase() {
        Reply reply = engine.udp(query("AnY.WiLd.ExAmPlE.oRg.", Type.A));

        assertThat(reply.question().getName().toString()).isEqualTo("AnY.WiLd.ExAmPlE.oRg.");
        assertThat(reply.answer()).containsExactly("AnY.WiLd.ExAmPlE.oRg. 3600 IN A 192.0.2.100");
    }

    @Test
    void cnameOwnerHasTheClientsLetterCase() {
        Reply reply = engine.udp(query("A.eXaMpLe.OrG.", Type.A));

        // only the owner must keep the client's case: names compressed against the question may take it too
        assertThat(reply.answer()).hasSize(3);
        assertThat(reply.answer().getFirst()).startsWith("A.eXaMpLe.OrG. 3600 IN CNAME ")
                .isEqualToIgnoringCase("a.example.org. 3600 IN CNAME b.example.org.");
        assertThat(reply.answer().getLast()).isEqualToIgnoringCase("www.example.org. 3600 IN A 192.0.2.80");
    }

    @Test
    void compressionPointerLoopInTheQuestionIsFormerr() {
        // RFC 1035 §4.1.4: a pointer points to a prior occurrence; one pointing at itself never ends
        byte[] wire = concat(header(0x1234, 0, 1), new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1});

        Reply reply = engine.replyTo(wire, Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void compressionPointerBeyondTheMessageIsFormerr() {
        byte[] wire = concat(header(0x1234, 0, 1), new byte[] {3, 'w', 'w', 'w', (byte) 0xc1, 0x00, 0, 1, 0, 1});

        Reply reply = engine.replyTo(wire, Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x40, 0x80})
    void reservedLabelTypeIsFormerr(int labelType) {
        // RFC 1035 §4.1.4: 01 and 10 label types are reserved (RFC 6891 §5 retired extended labels)
        byte[] wire = concat(header(0x1234, 0, 1), new byte[] {(byte) (labelType | 1), 'x', 0, 0, 1, 0, 1});

        Reply reply = engine.replyTo(wire, Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void questionNameLongerThan255OctetsIsFormerr() {
        // RFC 1035 §2.3.4: names are 255 octets or less; five 63-octet labels are 321
        byte[] label = new byte[64];
        label[0] = 63;
        Arrays.fill(label, 1, 64, (byte) 'a');
        byte[] wire = header(0x1234, 0, 1);
        for (int i = 0; i < 5; i++) {
            wire = concat(wire, label);
        }
        wire = concat(wire, new byte[] {0, 0, 1, 0, 1});

        Reply reply = engine.replyTo(wire, Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void questionNameOfExactly255OctetsIsAnswered() {
        // 3 x 64 + 50 + 13 ("example.org.") = 255 octets
        String qname = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(49) + ".example.org.";
        assertThat(EngineFixture.name(qname).length()).isEqualTo((short) 255);

        Reply reply = engine.ask(qname, Type.A);

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(reply.question().getName().toString()).isEqualTo(qname);
    }

    @Test
    void axfrOverUdpIsNotImplemented() {
        // RFC 5936 §4.2: AXFR over UDP is not defined; Knot DNS answers NOTIMP
        Reply reply = engine.ask("example.org.", Type.AXFR);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(reply.count(Section.ANSWER)).isZero();
    }

    @Test
    void ixfrOverUdpIsNotAnsweredAsAQuery() {
        // RFC 1995 §2: over UDP the only IXFR answer is the single current SOA (go to TCP); a server
        // that does not serve transfers here refuses instead (Knot DNS: NOTAUTH without an ACL)
        Message query = query("example.org.", Type.IXFR);
        query.addRecord(new SOARecord(EngineFixture.name("example.org."), DClass.IN, 0,
                EngineFixture.name("ns1.example.org."), EngineFixture.name("hostmaster.example.org."),
                2026112300L, 0, 0, 0, 0), Section.AUTHORITY);

        Reply reply = engine.udp(query);

        if (reply.rcode() == Rcode.NOERROR) {
            assertThat(reply.answer()).containsExactly(
                    "example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. 2026112301 7200 3600 1209600 300");
        } else {
            assertThat(reply.rcode()).isIn(Rcode.NOTIMP, Rcode.NOTAUTH, Rcode.REFUSED);
            assertThat(reply.count(Section.ANSWER)).isZero();
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] header(int id, int flags, int qdcount) {
        return new byte[] {
            (byte) (id >> 8), (byte) id, (byte) (flags >> 8), (byte) flags, (byte) (qdcount >> 8), (byte) qdcount,
            0, 0, 0, 0, 0, 0
        };
    }
}
