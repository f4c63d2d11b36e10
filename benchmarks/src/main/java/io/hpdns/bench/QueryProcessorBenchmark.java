package io.hpdns.bench;

import io.hpdns.query.AnswerCompiler;
import io.hpdns.query.AnswerSettings;
import io.hpdns.query.Exchange;
import io.hpdns.query.Protocol;
import io.hpdns.query.QueryProcessor;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Time and heap allocation of answering one query, wire to wire, without any I/O: the engine's
 * share of the per-query cost. Run with {@code -prof gc}: the allocation rate per operation must
 * be 0 B/op. The zone is generated (kinds of names as in scripts/bench), the queries are a fixed
 * pseudo-random mix of exact answers, NODATA, NXDOMAIN, CNAME, wildcard and referral.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class QueryProcessorBenchmark {
    private static final int MIX = 4096;

    @Param({"100000"})
    public int names;

    private QueryProcessor processor;
    private byte[][] queries;
    private final Exchange exchange = new Exchange(Exchange.MAX_MESSAGE);
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path zoneFile = Files.createTempFile("bench", ".zone");
        try {
            writeZone(zoneFile, names);
            ZoneLoadResult loaded = ZoneLoader.load(Name.fromString("bench.test."), zoneFile);
            if (!loaded.ok()) {
                throw new IllegalStateException("benchmark zone did not load: " + loaded.problems());
            }
            // As the server serves it: with its common answers compiled.
            CompiledZone zone = AnswerCompiler.compile(loaded.zone());
            processor = new QueryProcessor(new ServingStateHolder(ServingState.of(List.of(zone))),
                    AnswerSettings.defaults());
        } finally {
            Files.delete(zoneFile);
        }
        queries = queryMix(names);
    }

    @Benchmark
    public int answerOverUdp() {
        byte[] query = queries[next++ & (MIX - 1)];
        // As a transport does: the datagram copied into the thread's exchange.
        System.arraycopy(query, 0, exchange.request(), 0, query.length);
        exchange.received(query.length, Protocol.UDP, 0);
        return processor.answer(exchange);
    }

    /** Name i has kind i % 10: 0-5 A, 6 A+AAAA, 7 CNAME to an A name, 8 MX, 9 delegation with glue. */
    private static void writeZone(Path file, int names) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("$ORIGIN bench.test.");
            out.println("$TTL 3600");
            out.println("@ SOA ns1 hostmaster 1 7200 3600 1209600 300");
            out.println("@ NS ns1");
            out.println("ns1 A 192.0.2.1");
            out.println("*.wild A 192.0.2.99");
            for (int i = 0; i < names; i++) {
                String ip = "10." + (i >>> 16 & 255) + "." + (i >>> 8 & 255) + "." + (i & 255);
                switch (i % 10) {
                    case 6 -> out.println("h" + i + " A " + ip + "\nh" + i + " AAAA 2001:db8::" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xffff));
                    case 7 -> out.println("h" + i + " CNAME h" + (i - 7));
                    case 8 -> out.println("h" + i + " MX 10 h" + (i - 8));
                    case 9 -> out.println("h" + i + " NS ns.h" + i + "\nns.h" + i + " A " + ip);
                    default -> out.println("h" + i + " A " + ip);
                }
            }
        }
    }

    private static byte[][] queryMix(int names) throws IOException {
        Random random = new Random(20261123);
        List<byte[]> mix = new ArrayList<>(MIX);
        for (int q = 0; q < MIX; q++) {
            int i = random.nextInt(names / 10) * 10;
            int r = random.nextInt(100);
            String name;
            int type = Type.A;
            if (r < 50) {
                name = "h" + (i + random.nextInt(6));
            } else if (r < 60) {
                name = "h" + (i + 6);
                type = Type.AAAA;
            } else if (r < 75) {
                name = "nx" + random.nextInt(1_000_000);
            } else if (r < 80) {
                name = "h" + i;
                type = Type.AAAA;
            } else if (r < 85) {
                name = "h" + (i + 7);
            } else if (r < 95) {
                name = "w" + random.nextInt(1_000_000) + ".wild";
            } else {
                name = "www.h" + (i + 9);
            }
            Message query = Message.newQuery(Record.newRecord(Name.fromString(name + ".bench.test."), type, DClass.IN));
            query.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
            mix.add(query.toWire());
        }
        return mix.toArray(new byte[0][]);
    }
}
