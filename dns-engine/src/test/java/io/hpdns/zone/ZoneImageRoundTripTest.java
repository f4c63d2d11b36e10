package io.hpdns.zone;

import static io.hpdns.query.EngineFixture.name;
import static io.hpdns.query.EngineFixture.zoneFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.query.AnswerCompiler;
import io.hpdns.query.QueryBattery;
import io.hpdns.query.QueryProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * A zone read back from its {@link ZoneImage} is the zone written, for every user of it: node for
 * node in the same order, each name, RRset and compiled answer octet for octet, the owner name
 * sharing its array with the key where it did, the apex one of the nodes, the fingerprint's files
 * and digests; and the {@link QueryBattery} asked of the zones written and of the zones read back
 * gets identical responses, on the precompiled path and on the reference path, with as many
 * answers copied from precompiled bytes. Zones compiled and not, from conf/zones, the engine's test
 * zones and a generated zone of some forty thousand names.
 */
class ZoneImageRoundTripTest {

    private final QueryBattery battery = new QueryBattery();

    @TempDir
    Path dir;

    @Test
    void exampleZonesReadBackAsWrittenCompiledOrNot() throws IOException {
        Path zones = Path.of("..", "conf", "zones");
        List<ZoneImage.Loaded> plain = List.of(
                load("example.com.", zones.resolve("example.com.zone")),
                load("sub.example.com.", zones.resolve("sub.example.com.zone")));

        for (List<ZoneImage.Loaded> written : List.of(plain, compiled(plain))) {
            List<Zone> read = writeAndReadBack(written);

            assertAnswersAlike(zonesOf(written), read, QueryBattery.names(read.toArray(Zone[]::new)));
        }
    }

    @Test
    void engineTestZonesReadBackAsWrittenCompiledOrNot() throws IOException {
        List<ZoneImage.Loaded> plain = List.of(
                load("example.org.", zoneFile("example.org.zone")),
                load("child.example.org.", zoneFile("child.example.org.zone")),
                load("apex-dname.example.", zoneFile("apex-dname.example.zone")),
                load("loop.example.", zoneFile("loop.example.zone")),
                load("negttl.example.", zoneFile("negttl.example.zone")),
                load("huge.example.", zoneFile("huge.example.zone")));
        assertThat(plain.getFirst().fingerprint().files()).as("example.org and the file it includes").hasSize(2);

        for (List<ZoneImage.Loaded> written : List.of(plain, compiled(plain))) {
            List<Zone> read = writeAndReadBack(written);

            assertAnswersAlike(zonesOf(written), read, QueryBattery.names(read.toArray(Zone[]::new)));
        }
    }

    @Test
    void generatedZoneOfTensOfThousandsOfNamesReadsBackAsWritten() throws IOException {
        Path file = dir.resolve("gen.test.zone");
        QueryBattery.writeGeneratedZone(file, 24_000);
        ZoneImage.Loaded plain = load("gen.test.", file);
        List<Node> nodes = plain.zone().nodes();
        assertThat(nodes).hasSizeGreaterThan(30_000);
        assertThat(nodes).as("names in lowercase, one array for owner and key").anyMatch(n -> n.owner() == n.key());
        assertThat(nodes).as("names in mixed case, an array each").anyMatch(n -> n.owner() != n.key());

        for (List<ZoneImage.Loaded> written : List.of(List.of(plain), compiled(List.of(plain)))) {
            List<Zone> read = writeAndReadBack(written);

            // The battery over every 50th name: each kind of name is there many times over.
            List<String> sample = new ArrayList<>();
            int i = 0;
            for (String name : QueryBattery.names(read.getFirst())) {
                if (i++ % 50 == 0) {
                    sample.add(name);
                }
            }
            assertAnswersAlike(zonesOf(written), read, sample);
        }
    }

    @Test
    void fingerprintReadBackTellsWhetherTheFilesChanged() throws IOException {
        Path master = dir.resolve("example.org.zone");
        Path included = dir.resolve("example.org.include");
        Files.copy(zoneFile("example.org.zone"), master);
        Files.copy(zoneFile("example.org.include"), included);
        Path image = dir.resolve("example.org.image");
        ZoneImage.Loaded loaded = load("example.org.", master);
        ZoneImage.write(loaded.zone(), loaded.fingerprint(), image);

        assertThat(ZoneImage.read(image).fingerprint().files()).containsExactly(master, included);
        assertThat(ZoneImage.read(image).fingerprint().unchanged()).isTrue();

        Files.writeString(included, "extra A 192.0.2.77\n", StandardOpenOption.APPEND);

        assertThat(ZoneImage.read(image).fingerprint().unchanged()).isFalse();
    }

    @Test
    void writeReplacesTheImageWholeAndLeavesNoTemporaryFile() throws IOException {
        Path image = dir.resolve("zone.image");
        ZoneImage.Loaded first = load("loop.example.", zoneFile("loop.example.zone"));
        ZoneImage.Loaded second = load("negttl.example.", zoneFile("negttl.example.zone"));

        ZoneImage.write(first.zone(), first.fingerprint(), image);
        ZoneImage.write(second.zone(), second.fingerprint(), image);

        assertSameZone(second.zone(), ZoneImage.read(image).zone());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(image);
        }
    }

    /** The zone file loaded, not compiled, and the fingerprint of what it read. */
    private static ZoneImage.Loaded load(String origin, Path file) {
        byte[] digest = ZoneFingerprint.digest(file);
        ZoneLoadResult result = ZoneLoader.load(name(origin), file);
        assertThat(result.problems()).noneMatch(ZoneProblem::isError);
        return new ZoneImage.Loaded(result.zone(), ZoneFingerprint.of(result.files(), digest));
    }

    private static List<ZoneImage.Loaded> compiled(List<ZoneImage.Loaded> plain) {
        List<ZoneImage.Loaded> compiled = new ArrayList<>();
        for (ZoneImage.Loaded loaded : plain) {
            Zone zone = AnswerCompiler.compile(loaded.zone());
            assertThat(zone.answers()).isNotSameAs(PrecompiledAnswers.NONE);
            compiled.add(new ZoneImage.Loaded(zone, loaded.fingerprint()));
        }
        return compiled;
    }

    private static List<Zone> zonesOf(List<ZoneImage.Loaded> loaded) {
        return loaded.stream().map(ZoneImage.Loaded::zone).toList();
    }

    /** Writes each zone's image, reads it back, and checks that it is the zone and fingerprint written. */
    private List<Zone> writeAndReadBack(List<ZoneImage.Loaded> written) throws IOException {
        List<Zone> read = new ArrayList<>();
        for (ZoneImage.Loaded w : written) {
            Path image = dir.resolve(w.zone().origin() + "image");
            ZoneImage.write(w.zone(), w.fingerprint(), image);

            ZoneImage.Loaded r = ZoneImage.read(image);

            assertSameZone(w.zone(), r.zone());
            assertThat(r.fingerprint().files()).isEqualTo(w.fingerprint().files());
            assertThat(r.fingerprint().digests()).hasSameSizeAs(w.fingerprint().digests());
            for (int i = 0; i < w.fingerprint().digests().size(); i++) {
                assertThat(r.fingerprint().digests().get(i)).isEqualTo(w.fingerprint().digests().get(i));
            }
            read.add(r.zone());
        }
        return read;
    }

    private static void assertSameZone(Zone written, Zone read) {
        assertThat(read.origin().toString()).as("origin, letter case included").isEqualTo(written.origin().toString());
        assertThat(read.originKey()).isEqualTo(written.originKey());
        assertThat(read.originLabels()).isEqualTo(written.originLabels());
        assertThat(read.recordCount()).isEqualTo(written.recordCount());
        assertThat(read.serial()).isEqualTo(written.serial());
        assertThat(read.negativeTtl()).isEqualTo(written.negativeTtl());
        List<Node> w = written.nodes();
        List<Node> r = read.nodes();
        assertThat(r).hasSameSizeAs(w);
        for (int i = 0; i < w.size(); i++) {
            Node node = r.get(i);
            assertThat(describe(node)).as("node %d", i).isEqualTo(describe(w.get(i)));
            assertThat(read.node(node.key(), 0, node.key().length)).as("node %d found by its name", i).isSameAs(node);
            assertThat(node == read.apex()).as("node %d is the apex", i).isEqualTo(w.get(i) == written.apex());
        }
        assertThat(read.soa()).isSameAs(read.apex().rrset(Type.SOA));
        PrecompiledAnswers wa = written.answers();
        PrecompiledAnswers ra = read.answers();
        if (wa == PrecompiledAnswers.NONE) {
            assertThat(ra).isSameAs(PrecompiledAnswers.NONE);
            return;
        }
        assertThat(ra.bytes()).isEqualTo(wa.bytes());
        assertThat(describe(ra.negative())).isEqualTo(describe(wa.negative()));
    }

    /** Everything a node holds, and whether its owner and key are one array. */
    private static String describe(Node node) {
        HexFormat hex = HexFormat.of();
        StringBuilder s = new StringBuilder(hex.formatHex(node.owner()))
                .append(node.owner() == node.key() ? " shared key " : " key ").append(hex.formatHex(node.key()))
                .append(" cut ").append(node.isZoneCut()).append(" answers at ").append(node.answersAt());
        for (RRset rrset : node.rrsets()) {
            s.append(" | type ").append(rrset.type()).append(" ttl ").append(rrset.ttl()).append(" size ")
                    .append(rrset.size()).append(' ').append(hex.formatHex(rrset.data()));
        }
        return s.toString();
    }

    private static String describe(NegativeAnswer negative) {
        if (negative == null) {
            return "none";
        }
        HexFormat hex = HexFormat.of();
        StringBuilder s = new StringBuilder(hex.formatHex(negative.records())).append(" pointers");
        for (int i = 0; i < negative.pointerCount(); i++) {
            s.append(' ').append(negative.pointer(i));
        }
        s.append(" guards");
        for (byte[] guard : negative.guards()) {
            s.append(' ').append(hex.formatHex(guard));
        }
        return s.append(" origin ").append(negative.originLength()).append(" octets ")
                .append(negative.originLabels()).append(" labels").toString();
    }

    /**
     * Asks the battery of the zones written and of the zones read back, on the precompiled path and
     * on the reference path: the same responses, as many from precompiled bytes.
     */
    private void assertAnswersAlike(List<Zone> written, List<Zone> read, Collection<String> names) {
        ServingStateHolder writtenState = new ServingStateHolder(ServingState.of(written));
        ServingStateHolder readState = new ServingStateHolder(ServingState.of(read));
        for (boolean precompiled : new boolean[] {true, false}) {
            List<QueryProcessor> expected = QueryBattery.processors(writtenState, precompiled);
            List<QueryProcessor> actual = QueryBattery.processors(readState, precompiled);

            long queries = battery.compare(names, "written", expected, "read back", actual);

            assertThat(queries).isGreaterThan(names.size() * 100L);
            assertThat(QueryBattery.precompiledAnswered(actual)).isEqualTo(QueryBattery.precompiledAnswered(expected));
        }
    }
}
