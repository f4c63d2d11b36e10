package io.hpdns.query;

import static io.hpdns.query.EngineFixture.query;
import static io.hpdns.query.EngineFixture.withEdns;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** RFC 6891 EDNS(0): the OPT pseudo-RR, version negotiation, malformed OPT, and RFC 5001 NSID. */
class Rfc6891EdnsTest {

    private static final byte[] NSID = "ns1.hpdns.test".getBytes(StandardCharsets.US_ASCII);

    private final EngineFixture engine = EngineFixture.parentOnly();

    @Test
    void optIsAnsweredWithTheServerPayloadSizeAndVersionZero() {
        // RFC 6891 §6.2.3: the responder's payload size is what it accepts, not the requestor's
        EngineFixture server = EngineFixture.serving(
                new AnswerSettings(1400, null, null, null), EngineFixture.parentZone());

        Reply reply = server.udp(withEdns(query("www.example.org.", Type.A), 4096));

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).containsExactly("www.example.org. 3600 IN A 192.0.2.80");
        OPTRecord opt = reply.opt();
        assertThat(opt).as("OPT in the response").isNotNull();
        assertThat(opt.getPayloadSize()).isEqualTo(1400);
        assertThat(opt.getVersion()).isZero();
        assertThat(opt.getExtendedRcode()).isZero();
        assertThat(opt.getFlags()).isZero();
        assertThat(reply.count(Section.ADDITIONAL)).isEqualTo(1);
    }

    @Test
    void defaultPayloadSizeIs1232() {
        Reply reply = engine.udp(withEdns(query("www.example.org.", Type.A), 4096));

        assertThat(reply.opt().getPayloadSize()).isEqualTo(AnswerSettings.DEFAULT_EDNS_UDP_SIZE);
    }

    @Test
    void optIsTheLastAdditionalRecordBesideGlue() {
        Reply reply = engine.udp(withEdns(query("example.org.", Type.NS), 1232));

        assertThat(reply.opt()).isNotNull();
        assertThat(reply.additional()).hasSize(4);
        assertThat(reply.count(Section.ADDITIONAL)).isEqualTo(5);
    }

    @Test
    void doBitIsCopiedToTheResponse() {
        // RFC 3225 §3: the DO bit of the query is copied into the response
        Reply reply = engine.udp(withEdns(query("www.example.org.", Type.A), 1232, 0, ExtendedFlags.DO));

        assertThat(reply.opt().getFlags() & ExtendedFlags.DO).isEqualTo(ExtendedFlags.DO);
    }

    @Test
    void doBitIsClearWhenTheQueryHasItClear() {
        Reply reply = engine.udp(withEdns(query("www.example.org.", Type.A), 1232, 0, 0));

        assertThat(reply.opt().getFlags() & ExtendedFlags.DO).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 255})
    void unsupportedVersionIsBadvers(int version) {
        // RFC 6891 §6.1.3: BADVERS (extended RCODE 16), with an OPT carrying the version we do speak
        Reply reply = engine.udp(withEdns(query("www.example.org.", Type.A), 1232, version, 0));

        assertThat(reply.rcode()).isEqualTo(Rcode.BADVERS);
        assertThat(reply.message().getHeader().getRcode()).as("low 4 bits in the header").isZero();
        assertThat(reply.opt()).isNotNull();
        assertThat(reply.opt().getExtendedRcode()).isEqualTo(1);
        assertThat(reply.opt().getVersion()).isZero();
        assertThat(reply.answer()).isEmpty();
        assertThat(reply.authority()).isEmpty();
    }

    @Test
    void twoOptRecordsAreFormerr() {
        // RFC 6891 §6.1.1: more than one OPT RR is a FORMERR
        Message query = withEdns(withEdns(query("www.example.org.", Type.A), 1232), 1232);
        assertThat(query.getHeader().getCount(Section.ADDITIONAL)).isEqualTo(2);

        Reply reply = engine.replyTo(query.toWire(), Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
        assertThat(reply.answer()).isEmpty();
    }

    @Test
    void optInTheAnswerSectionIsFormerr() {
        // RFC 6891 §6.1.1: the OPT RR belongs in the additional section only
        Message query = query("www.example.org.", Type.A);
        query.addRecord(new OPTRecord(1232, 0, 0), Section.ANSWER);

        Reply reply = engine.replyTo(query.toWire(), Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
        assertThat(reply.answer()).isEmpty();
    }

    @Test
    void optInTheAuthoritySectionIsFormerr() {
        Message query = query("www.example.org.", Type.A);
        query.addRecord(new OPTRecord(1232, 0, 0), Section.AUTHORITY);

        Reply reply = engine.replyTo(query.toWire(), Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
        assertThat(reply.answer()).isEmpty();
    }

    @Test
    void optionOverrunningTheOptRdataIsFormerr() {
        // RFC 6891 §6.1.2: RDLENGTH 4 holds only the option's code and length; the length claims 10 more.
        // RFC 6891 §7: a FORMERR for a problem in the OPT itself MUST carry an OPT, so the requestor can
        // tell an EDNS format error from a server without EDNS
        byte[] wire = withAdditionalCount(query("www.example.org.", Type.A).toWire(),
                new byte[] {0, 0, 41, 0x04, (byte) 0xd0, 0, 0, 0, 0, 0, 4, 0, 3, 0, 10});

        Reply reply = engine.replyTo(wire, Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
        assertThat(reply.answer()).isEmpty();
        assertThat(reply.opt()).as("OPT in a FORMERR caused by the OPT (RFC 6891 §7)").isNotNull();
    }

    @Test
    void optRdataOverrunningTheMessageIsFormerr() {
        byte[] wire = withAdditionalCount(query("www.example.org.", Type.A).toWire(),
                new byte[] {0, 0, 41, 0x04, (byte) 0xd0, 0, 0, 0, 0, 0, 8, 0, 3, 0, 0});

        Reply reply = engine.replyTo(wire, Protocol.UDP);

        assertThat(reply.rcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void queryWithoutEdnsGetsNoOpt() {
        // RFC 6891 §7: no OPT in the request, no OPT in the response
        Reply reply = engine.ask("www.example.org.", Type.A);

        assertThat(reply.opt()).isNull();
        assertThat(reply.count(Section.ADDITIONAL)).isZero();
    }

    @Test
    void negativeAnswersCarryTheOptToo() {
        Reply reply = engine.udp(withEdns(query("nope.example.org.", Type.A), 1232));

        assertThat(reply.rcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(reply.opt()).isNotNull();
    }

    @Test
    void nsidIsReturnedWhenConfiguredAndRequested() {
        // RFC 5001 §2.3: the server puts its NSID in the response when the query carries an empty NSID option
        EngineFixture server = EngineFixture.serving(new AnswerSettings(1232, null, null, NSID), EngineFixture.parentZone());

        Reply reply = server.udp(withEdns(query("www.example.org.", Type.A), 1232, 0, 0, nsidRequest()));

        List<EDNSOption> options = reply.opt().getOptions(EDNSOption.Code.NSID);
        assertThat(options).hasSize(1);
        assertThat(optionData(options.getFirst())).isEqualTo(NSID);
        assertThat(reply.answer()).containsExactly("www.example.org. 3600 IN A 192.0.2.80");
    }

    @Test
    void nsidIsAbsentWhenNotRequested() {
        EngineFixture server = EngineFixture.serving(new AnswerSettings(1232, null, null, NSID), EngineFixture.parentZone());

        Reply reply = server.udp(withEdns(query("www.example.org.", Type.A), 1232));

        assertThat(reply.opt().getOptions(EDNSOption.Code.NSID)).isEmpty();
    }

    @Test
    void nsidIsAbsentWhenNotConfigured() {
        Reply reply = engine.udp(withEdns(query("www.example.org.", Type.A), 1232, 0, 0, nsidRequest()));

        assertThat(reply.opt()).isNotNull();
        assertThat(reply.opt().getOptions(EDNSOption.Code.NSID)).isEmpty();
    }

    @Test
    void unknownOptionsAreIgnored() {
        // RFC 6891 §6.1.2: options the responder does not understand are ignored
        Reply reply = engine.udp(withEdns(
                query("www.example.org.", Type.A), 1232, 0, 0, new GenericEDNSOption(65001, new byte[] {1, 2, 3})));

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.answer()).containsExactly("www.example.org. 3600 IN A 192.0.2.80");
        assertThat(reply.opt().getOptions(65001)).isEmpty();
    }

    /** The query with one hand-made additional record appended and ARCOUNT set to 1. */
    private static byte[] withAdditionalCount(byte[] query, byte[] record) {
        byte[] wire = Arrays.copyOf(query, query.length + record.length);
        System.arraycopy(record, 0, wire, query.length, record.length);
        wire[11] = 1;
        return wire;
    }

    private static EDNSOption nsidRequest() {
        return new GenericEDNSOption(EDNSOption.Code.NSID, new byte[0]);
    }

    /** The option's data, without the 2-byte code and 2-byte length of its wire form. */
    private static byte[] optionData(EDNSOption option) {
        byte[] wire = option.toWire();
        return Arrays.copyOfRange(wire, 4, wire.length);
    }
}
