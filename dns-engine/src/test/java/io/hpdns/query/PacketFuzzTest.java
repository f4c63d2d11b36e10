package io.hpdns.query;

import static io.hpdns.query.EngineFixture.query;
import static io.hpdns.query.EngineFixture.withEdns;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Random and mutated packets through the query processor (DESIGN.md test tier 3): nothing escapes as
 * an exception, every length is -1 or within bounds, every response is a well-formed DNS message with
 * QR set and the query's ID, and the same processor answers a good query correctly afterwards, so no
 * scratch state leaks from one packet to the next.
 */
class PacketFuzzTest {

    /** The RCODEs a response to anything may carry; SERVFAIL would mean the engine hid an internal failure. */
    private static final Set<Integer> EXPECTED_RCODES = Set.of(
            Rcode.NOERROR, Rcode.FORMERR, Rcode.NXDOMAIN, Rcode.NOTIMP, Rcode.REFUSED, Rcode.YXDOMAIN, Rcode.BADVERS);

    private static final List<byte[]> SEEDS = seeds();

    /** One processor and one response buffer for every try, as on an I/O thread. */
    private final EngineFixture engine = EngineFixture.serving(
            new AnswerSettings(1232, "ns1.hpdns.test", "hpdns", new byte[] {1, 2, 3}),
            EngineFixture.parentZone(), EngineFixture.childZone());

    @Property(tries = 3000, shrinking = ShrinkingMode.BOUNDED)
    void randomBytesNeverEscape(@ForAll("randomPackets") byte[] packet, @ForAll Protocol protocol) {
        check(packet, protocol);
    }

    @Property(tries = 4000, shrinking = ShrinkingMode.BOUNDED)
    void mutatedQueriesNeverEscape(@ForAll("mutatedQueries") byte[] packet, @ForAll Protocol protocol) {
        check(packet, protocol);
    }

    @Property(tries = 2000, shrinking = ShrinkingMode.BOUNDED)
    void randomNamesInTheZonesGetAnAuthoritativeAnswerOrAReferral(
            @ForAll("namesInTheZones") String qname, @ForAll("qtypes") int qtype, @ForAll Protocol protocol,
            @ForAll boolean edns) {
        Message query = query(qname, qtype);
        if (edns) {
            withEdns(query, 1232, 0, ExtendedFlags.DO);
        }

        Reply reply = protocol == Protocol.UDP ? engine.udp(query) : engine.tcp(query);

        assertThat(reply.rcode()).isIn(Rcode.NOERROR, Rcode.NXDOMAIN, Rcode.YXDOMAIN);
        assertThat(reply.question().getName().toString()).as("question echoed in the client's case").isEqualTo(qname);
        assertThat(reply.question().getType()).isEqualTo(qtype);
        assertThat(reply.opt() != null).isEqualTo(edns);
        List<Record> answer = reply.records(Section.ANSWER);
        if (!answer.isEmpty() && answer.getFirst().getType() != Type.DNAME) {
            assertThat(answer.getFirst().getName().toString()).as("answer owner in the client's case").isEqualTo(qname);
        }
        if (!reply.flag(Flags.AA)) {
            assertThat(reply.records(Section.AUTHORITY)).as("a non-authoritative answer is a referral")
                    .isNotEmpty().allMatch(record -> record.getType() == Type.NS);
        }
        assertGoodQueryStillAnswered();
    }

    private void check(byte[] packet, Protocol protocol) {
        int length = engine.process(packet, packet.length, protocol);

        if (packet.length < 12) {
            assertThat(length).as("shorter than a header: dropped").isEqualTo(-1);
        } else if ((packet[2] & 0x80) != 0) {
            assertThat(length).as("QR set: a response, dropped").isEqualTo(-1);
        }
        if (length != -1) {
            int limit = protocol == Protocol.UDP ? engine.settings().ednsUdpSize() : QueryProcessor.MAX_RESPONSE;
            assertThat(length).isBetween(12, limit);
            byte[] wire = engine.lastResponse(length);
            Message response = parse(wire);
            assertThat(response.getHeader().getFlag(Flags.QR)).isTrue();
            assertThat(response.getHeader().getID()).isEqualTo(((packet[0] & 0xff) << 8) | (packet[1] & 0xff));
            assertThat(response.getRcode()).as("RCODE of %s", response).isIn(EXPECTED_RCODES);
            assertThat(response.getHeader().getCount(Section.QUESTION)).isLessThanOrEqualTo(1);
        }
        assertGoodQueryStillAnswered();
    }

    private void assertGoodQueryStillAnswered() {
        Reply reply = engine.ask("www.example.org.", Type.A);
        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.flag(Flags.AA)).isTrue();
        assertThat(reply.flag(Flags.TC)).isFalse();
        assertThat(reply.answer()).containsExactly("www.example.org. 3600 IN A 192.0.2.80");
        assertThat(reply.authority()).isEmpty();
        assertThat(reply.additional()).isEmpty();
        assertThat(reply.opt()).isNull();
    }

    private static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException e) {
            throw new AssertionError("response does not parse (" + e.getMessage() + "): "
                    + EngineFixture.hex(wire, wire.length), e);
        }
    }

    @Provide
    Arbitrary<byte[]> randomPackets() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    }

    @Provide
    Arbitrary<byte[]> mutatedQueries() {
        Arbitrary<Mutation> mutation = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(0, 599), Arbitraries.integers().between(0, 7))
                        .as(BitFlip::new),
                Arbitraries.integers().between(0, 599).map(Truncation::new),
                Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 0xffff))
                        .as(SectionCount::new),
                Combinators.combine(Arbitraries.integers().between(12, 599), Arbitraries.integers().between(0, 0x3fff))
                        .as(CompressionPointer::new),
                Combinators.combine(Arbitraries.integers().between(0, 599), Arbitraries.integers().between(0, 255))
                        .as(ByteOverwrite::new),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64).map(Append::new),
                Arbitraries.integers().between(0, 15).map(Opcode::new));
        return Combinators.combine(Arbitraries.integers().between(0, SEEDS.size() - 1), mutation.list().ofMinSize(1).ofMaxSize(6))
                .as((seed, mutations) -> {
                    byte[] packet = SEEDS.get(seed).clone();
                    for (Mutation m : mutations) {
                        packet = m.apply(packet);
                    }
                    return packet;
                });
    }

    @Provide
    Arbitrary<String> namesInTheZones() {
        Arbitrary<String> label = Arbitraries.strings().withChars("abcwWXYZ*-0").ofMinLength(1).ofMaxLength(8);
        Arbitrary<String> known = Arbitraries.of("www", "a", "dangling", "ent", "wild", "exists.wild", "sub.wild", "wc",
                "dn", "inner", "child", "www.child", "ext", "big", "multi", "_sip._udp", "ns1", "*.wild", "long");
        Arbitrary<String> suffix = Arbitraries.of("example.org.", "child.example.org.");
        return Combinators.combine(label.list().ofMaxSize(3), known.injectNull(0.3), suffix).as((labels, middle, zone) -> {
            StringBuilder name = new StringBuilder();
            for (String l : labels) {
                name.append(l).append('.');
            }
            if (middle != null) {
                name.append(middle).append('.');
            }
            return name.append(zone).toString();
        });
    }

    @Provide
    Arbitrary<Integer> qtypes() {
        return Arbitraries.of(Type.A, Type.AAAA, Type.NS, Type.SOA, Type.MX, Type.TXT, Type.CNAME, Type.DNAME, Type.DS,
                Type.SRV, Type.PTR, 65280, 4242);
    }

    private static List<byte[]> seeds() {
        Message ixfr = query("example.org.", Type.IXFR);
        ixfr.addRecord(new SOARecord(EngineFixture.name("example.org."), DClass.IN, 0,
                EngineFixture.name("ns1.example.org."), EngineFixture.name("hostmaster.example.org."),
                2026112300L, 0, 0, 0, 0), Section.AUTHORITY);
        return List.of(
                query("www.example.org.", Type.A).toWire(),
                query("WwW.eXaMpLe.OrG.", Type.AAAA).toWire(),
                withEdns(query("big.example.org.", Type.A), 4096).toWire(),
                withEdns(query("a.example.org.", Type.A), 1232, 0, ExtendedFlags.DO,
                        new GenericEDNSOption(EDNSOption.Code.NSID, new byte[0]),
                        new GenericEDNSOption(65001, new byte[] {1, 2, 3, 4})).toWire(),
                query("x.y.wild.example.org.", Type.TXT).toWire(),
                query("any.wc.example.org.", Type.A).toWire(),
                query("www.inner.example.org.", Type.A).toWire(),
                query("abcdef.long.example.org.", Type.A).toWire(),
                query("www.child.example.org.", Type.A).toWire(),
                query("example.org.", Type.NS).toWire(),
                query("multi.example.org.", Type.ANY).toWire(),
                query("id.server.", Type.TXT, DClass.CH).toWire(),
                query("nope.example.org.", Type.A).toWire(),
                ixfr.toWire());
    }

    /** One change to a packet; records, so jqwik reports a failing case readably. */
    interface Mutation {
        byte[] apply(byte[] packet);
    }

    record BitFlip(int position, int bit) implements Mutation {
        public byte[] apply(byte[] packet) {
            if (packet.length > 0) {
                packet[position % packet.length] ^= (byte) (1 << bit);
            }
            return packet;
        }
    }

    record Truncation(int length) implements Mutation {
        public byte[] apply(byte[] packet) {
            return Arrays.copyOf(packet, Math.min(length, packet.length));
        }
    }

    /** Sets QDCOUNT, ANCOUNT, NSCOUNT or ARCOUNT to any value. */
    record SectionCount(int section, int count) implements Mutation {
        public byte[] apply(byte[] packet) {
            int at = 4 + 2 * section;
            if (packet.length >= at + 2) {
                packet[at] = (byte) (count >> 8);
                packet[at + 1] = (byte) count;
            }
            return packet;
        }
    }

    /** Writes a compression pointer (RFC 1035 §4.1.4) anywhere after the header, pointing anywhere. */
    record CompressionPointer(int position, int target) implements Mutation {
        public byte[] apply(byte[] packet) {
            if (packet.length >= 14) {
                int at = 12 + position % (packet.length - 13);
                packet[at] = (byte) (0xc0 | target >> 8);
                packet[at + 1] = (byte) target;
            }
            return packet;
        }
    }

    record ByteOverwrite(int position, int value) implements Mutation {
        public byte[] apply(byte[] packet) {
            if (packet.length > 0) {
                packet[position % packet.length] = (byte) value;
            }
            return packet;
        }
    }

    record Append(byte[] tail) implements Mutation {
        public byte[] apply(byte[] packet) {
            byte[] longer = Arrays.copyOf(packet, packet.length + tail.length);
            System.arraycopy(tail, 0, longer, packet.length, tail.length);
            return longer;
        }

        @Override
        public String toString() {
            return "Append[" + EngineFixture.hex(tail, tail.length) + "]";
        }
    }

    /** Any opcode, QR clear, other header flags kept. */
    record Opcode(int opcode) implements Mutation {
        public byte[] apply(byte[] packet) {
            if (packet.length > 2) {
                packet[2] = (byte) ((packet[2] & 0x07) | opcode << 3);
            }
            return packet;
        }
    }
}
