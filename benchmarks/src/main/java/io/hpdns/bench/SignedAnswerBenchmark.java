package io.hpdns.bench;

import io.hpdns.query.AnswerCompiler;
import io.hpdns.query.AnswerSettings;
import io.hpdns.query.Exchange;
import io.hpdns.query.Protocol;
import io.hpdns.query.QueryProcessor;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import java.io.IOException;
import java.nio.file.Path;
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
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Time and allocation of answering one query of a kind, with DO and without, in the signed zone
 * of {@code scripts/bench --dnssec} (bench.test. of scripts/bench.d/genzone.awk signed with NSEC3;
 * {@code BENCH_KEEP=1 scripts/bench --dnssec ...} keeps it as {@code bench.test.zone} in the work
 * directory it names; {@code -p names=N} as it was generated): what DO costs the engine per kind of answer, without any I/O. Run as
 * {@code java -jar benchmarks/target/benchmarks.jar SignedAnswerBenchmark -p zone=FILE -prof gc}.
 * The names of a kind are those genqueries.awk picks for it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SignedAnswerBenchmark {
    private static final int MIX = 4096;

    /** The kinds of answer of the bench's query mix. */
    public enum Kind { EXACT, NODATA, NXDOMAIN, CNAME, WILDCARD, REFERRAL }

    @Param({""})
    public String zone;

    /** The zone's generated names (scripts/bench --names). */
    @Param({"100000"})
    public int names;

    @Param
    public Kind kind;

    @Param({"true", "false"})
    public boolean dnssecOk;

    private QueryProcessor processor;
    private byte[][] queries;
    private final Exchange exchange = new Exchange(Exchange.MAX_MESSAGE);
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (zone.isEmpty()) {
            throw new IllegalArgumentException("-p zone=FILE: the signed bench.test. zone of scripts/bench --dnssec");
        }
        ZoneLoadResult loaded = ZoneLoader.load(Name.fromString("bench.test."), Path.of(zone));
        if (!loaded.ok()) {
            throw new IllegalStateException("benchmark zone did not load: " + loaded.problems());
        }
        processor = new QueryProcessor(new ServingStateHolder(ServingState.of(List.of(AnswerCompiler.compile(loaded.zone())))),
                AnswerSettings.defaults());
        queries = queries();
    }

    @Benchmark
    public int answerOverUdp() {
        byte[] query = queries[next++ & (MIX - 1)];
        System.arraycopy(query, 0, exchange.request(), 0, query.length);
        exchange.received(query.length, Protocol.UDP, 0);
        return processor.answer(exchange);
    }

    private byte[][] queries() throws IOException {
        Random random = new Random(20261123);
        byte[][] mix = new byte[MIX][];
        for (int q = 0; q < MIX; q++) {
            int type = Type.A;
            String name = switch (kind) {
                case EXACT -> "h" + pick(random, names, 0, 14);
                case NODATA -> {
                    type = Type.AAAA;
                    yield "h" + pick(random, names, 0, 11);
                }
                case NXDOMAIN -> "nx" + random.nextInt(1_000_000);
                case CNAME -> "h" + pick(random, names, 15, 16);
                case WILDCARD -> "w" + random.nextInt(1_000_000) + ".wild";
                case REFERRAL -> "www.h" + pick(random, names, 19, 19);
            };
            Message query = Message.newQuery(Record.newRecord(Name.fromString(name + ".bench.test."), type, DClass.IN));
            query.addRecord(new OPTRecord(1232, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
            mix[q] = query.toWire();
        }
        return mix;
    }

    /** A name index below {@code names} whose genzone.awk kind ({@code i % 20}) is in [lo, hi]. */
    private static int pick(Random random, int names, int lo, int hi) {
        return random.nextInt(names / 20) * 20 + lo + random.nextInt(hi - lo + 1);
    }
}
