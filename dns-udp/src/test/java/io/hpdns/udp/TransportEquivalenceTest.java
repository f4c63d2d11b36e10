package io.hpdns.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.query.AnswerCompiler;
import io.hpdns.query.AnswerSettings;
import io.hpdns.query.QueryProcessor;
import io.hpdns.udp.ffm.FfmUdpTransport;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The FFM and netty UDP transports are two ways of moving the same bytes: every query over the
 * whole bundled example zone, well formed or not, must get byte-identical answers (or be dropped by
 * both).
 */
class TransportEquivalenceTest {
    private static final Path EXAMPLE_ZONE = Path.of("..", "conf", "zones", "example.com.zone");
    private static final int[] TYPES = {Type.A, Type.AAAA, Type.NS, Type.SOA, Type.MX, Type.TXT, Type.CNAME,
            Type.SRV, Type.DS, Type.DNAME, Type.ANY, Type.PTR};
    private static ServingStateHolder zones;
    private static List<Name> owners;

    @BeforeAll
    static void loadExampleZone() throws IOException {
        Name origin = Name.fromString("example.com.");
        ZoneLoadResult loaded = ZoneLoader.load(origin, EXAMPLE_ZONE);
        assertThat(loaded.problems()).noneMatch(p -> p.isError());
        zones = new ServingStateHolder(ServingState.of(List.of(AnswerCompiler.compile(loaded.zone()))));
        Set<Name> names = new LinkedHashSet<>();
        try (Master master = new Master(EXAMPLE_ZONE.toString(), origin)) {
            for (Record r; (r = master.nextRecord()) != null; ) {
                names.add(r.getName());
            }
        }
        names.add(Name.fromString("nonexistent.example.com."));
        names.add(Name.fromString("below.www.example.com."));
        names.add(Name.fromString("example.org."));
        owners = List.copyOf(names);
    }

    @Test
    void ffmAndNettyGiveByteIdenticalAnswers() throws Exception {
        Supplier<QueryProcessor> processors =
                () -> new QueryProcessor(zones, new AnswerSettings(1232, "ns1.example.com", "hpdns test", "ns1".getBytes(StandardCharsets.US_ASCII)));
        try (FfmUdpTransport ffm = FfmUdpTransport.open(2, processors);
                NettyUdpTransport netty = NettyUdpTransport.open(2, processors);
                DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress ffmAddress = ffm.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress nettyAddress = netty.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client.setSoTimeout(2000);
            int answered = 0;
            for (byte[] query : wellFormedQueries()) {
                byte[] viaFfm = ask(client, ffmAddress, query);
                byte[] viaNetty = ask(client, nettyAddress, query);
                assertThat(viaFfm).as("answer over FFM").isNotNull();
                assertThat(viaFfm).as("FFM vs netty for %s", new Message(query).getQuestion()).isEqualTo(viaNetty);
                answered++;
            }
            client.setSoTimeout(300);
            for (byte[] query : malformedQueries()) {
                assertThat(ask(client, ffmAddress, query)).isEqualTo(ask(client, nettyAddress, query));
            }
            assertThat(answered).isGreaterThan(owners.size() * TYPES.length);
        }
    }

    private static List<byte[]> wellFormedQueries() throws IOException {
        List<byte[]> queries = new ArrayList<>();
        int id = 1;
        for (Name owner : owners) {
            for (int type : TYPES) {
                for (int edns : new int[] {0, 512, 1232, 4096}) {
                    Message query = Message.newQuery(Record.newRecord(mixedCase(owner, id), type, DClass.IN));
                    query.getHeader().setID(id++);
                    query.getHeader().setFlag(Flags.RD);
                    if (edns > 0) {
                        query.addRecord(new OPTRecord(edns, 0, 0, id % 2 == 0 ? Flags.DO : 0), Section.ADDITIONAL);
                    }
                    queries.add(query.toWire());
                }
            }
        }
        return queries;
    }

    /** Flips the letter case of some labels, so the 0x20 echo is compared too. */
    private static Name mixedCase(Name name, int seed) throws IOException {
        String text = name.toString();
        return seed % 3 == 0 ? Name.fromString(text.toUpperCase()) : name;
    }

    private static List<byte[]> malformedQueries() throws IOException {
        List<byte[]> queries = new ArrayList<>();
        byte[] valid = Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN)).toWire();
        for (int cut = 0; cut < valid.length; cut += 3) {
            queries.add(Arrays.copyOf(valid, cut)); // header cut short, question cut short
        }
        Random random = new Random(20261123);
        for (int i = 0; i < 30; i++) {
            byte[] mutated = valid.clone();
            mutated[12 + random.nextInt(mutated.length - 12)] ^= (byte) (1 << random.nextInt(8));
            queries.add(mutated);
        }
        return queries;
    }

    /** The response, or null when none came within the socket timeout. */
    private static byte[] ask(DatagramSocket client, InetSocketAddress server, byte[] query) throws IOException {
        client.send(new DatagramPacket(query, query.length, server));
        byte[] buffer = new byte[65535];
        DatagramPacket response = new DatagramPacket(buffer, buffer.length);
        try {
            client.receive(response);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buffer, response.getLength());
    }
}
