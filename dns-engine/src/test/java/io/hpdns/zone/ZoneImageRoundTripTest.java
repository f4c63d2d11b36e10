package io.hpdns.zone;

import static io.hpdns.query.EngineFixture.name;
import static io.hpdns.query.EngineFixture.zoneFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpdns.query.AnswerCompiler;
import io.hpdns.query.EngineFixture;
import io.hpdns.query.QueryBattery;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zone read back from its {@link ZoneImage} is the zone written: its layout octet for octet,
 * mapped from the file (by another process, checked; by the one that wrote it, as written), and
 * the fingerprint's files and digests. Zones compiled and not, from
 * conf/zones, the engine's test zones and a generated zone of some forty thousand names.
 */
class ZoneImageRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void exampleAndEngineTestZonesReadBackAsWrittenCompiledOrNot() throws IOException {
        for (Map.Entry<String, Path> file : EngineFixture.exampleAndTestZones().entrySet()) {
            Loaded zone = load(file.getKey(), file.getValue());
            if (file.getKey().equals("example.org.")) {
                assertThat(zone.fingerprint().files()).as("example.org and the file it includes").hasSize(2);
            }
            assertReadBackAsWritten(CompiledZoneWriter.write(zone.zone()), zone.fingerprint());
            assertReadBackAsWritten(AnswerCompiler.compile(zone.zone()), zone.fingerprint());
        }
    }

    @Test
    void generatedZoneOfTensOfThousandsOfNamesReadsBackAsWritten() throws IOException {
        Path file = dir.resolve("gen.test.zone");
        QueryBattery.writeGeneratedZone(file, 24_000);
        Loaded zone = load("gen.test.", file);
        assertThat(zone.zone().nodes()).hasSizeGreaterThan(30_000);

        assertReadBackAsWritten(AnswerCompiler.compile(zone.zone()), zone.fingerprint());
    }

    /** The example and engine test zones, and a generated zone of some forty thousand names, by origin. */
    private Map<String, Path> testZonesAndAGeneratedOne() throws IOException {
        Path generated = dir.resolve("gen.test.zone");
        QueryBattery.writeGeneratedZone(generated, 24_000);
        Map<String, Path> zones = new java.util.LinkedHashMap<>(EngineFixture.exampleAndTestZones());
        zones.put("gen.test.", generated);
        return zones;
    }

    @Test
    void zoneCompiledStraightIntoItsImageIsTheZoneCompiledInMemory() throws IOException {
        for (Map.Entry<String, Path> file : testZonesAndAGeneratedOne().entrySet()) {
            Loaded zone = load(file.getKey(), file.getValue());
            Path image = dir.resolve(file.getKey() + "compiled");

            AnswerCompiler.compileImage(zone.zone(), null, zone.fingerprint(), image);

            MemorySegment inMemory = AnswerCompiler.compile(zone.zone()).layout();
            ZoneImage.Loaded read = ZoneImage.read(image);
            MemorySegment mapped = read.zone().layout();
            assertThat(MemorySegment.mismatch(inMemory, 0, inMemory.byteSize(), mapped, 0, mapped.byteSize()))
                    .as("%s: first octet that differs", file.getKey()).isEqualTo(-1);
            assertThat(read.fingerprint().files()).isEqualTo(zone.fingerprint().files());
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left.map(Path::toString)).as("no draft left behind").noneMatch(f -> f.endsWith(".tmp"));
            }
        }
    }

    @Test
    void zoneLaidOutFirstAndAnsweredAfterIsTheZoneCompiledStraight() throws IOException {
        for (Map.Entry<String, Path> file : testZonesAndAGeneratedOne().entrySet()) {
            Loaded zone = load(file.getKey(), file.getValue());
            Path straight = dir.resolve(file.getKey() + "straight");
            Path laidOut = dir.resolve(file.getKey() + "laid-out");
            Path answered = dir.resolve(file.getKey() + "answered");

            AnswerCompiler.compileImage(zone.zone(), null, zone.fingerprint(), straight);
            AnswerCompiler.compileLayoutImage(zone.zone(), zone.fingerprint(), laidOut);
            CompiledZone deferred = ZoneImage.read(laidOut).zone();
            assertThat(deferred.answersDeferred()).as("%s laid out", file.getKey()).isTrue();
            assertThat(ZoneImage.answersDeferred(laidOut)).isTrue();
            assertThat(deferred.answers()).isSameAs(PrecompiledAnswers.NONE);
            AnswerCompiler.compileDeferredAnswers(deferred, laidOut, zone.fingerprint(), answered);

            assertThat(ZoneImage.answersDeferred(answered)).as("%s answered", file.getKey()).isFalse();
            MemorySegment expected = ZoneImage.read(straight).zone().layout();
            ZoneImage.Loaded read = ZoneImage.read(answered);
            MemorySegment actual = read.zone().layout();
            assertThat(MemorySegment.mismatch(expected, 0, expected.byteSize(), actual, 0, actual.byteSize()))
                    .as("%s: first octet that differs", file.getKey()).isEqualTo(-1);
            assertThat(read.fingerprint().files()).isEqualTo(zone.fingerprint().files());
        }
    }

    @Test
    void layoutWithUnknownFlagsOrAnswersDespiteDeferringThemIsMalformed() {
        CompiledZone zone = CompiledZoneWriter.write(load("loop.example.", zoneFile("loop.example.zone")).zone());
        MemorySegment layout = zone.layout();
        layout.set(CompiledZone.U32, CompiledZone.FLAGS, 2);
        assertThatThrownBy(() -> CompiledZone.check(layout)).hasMessageContaining("unknown flags");

        CompiledZone answered = AnswerCompiler.compile(load("loop.example.", zoneFile("loop.example.zone")).zone());
        answered.layout().set(CompiledZone.U32, CompiledZone.FLAGS, CompiledZone.ANSWERS_DEFERRED);
        assertThatThrownBy(() -> CompiledZone.check(answered.layout()))
                .hasMessageContaining("answers in a layout whose answers are deferred");
    }

    @Test
    void fingerprintReadBackTellsWhetherTheFilesChanged() throws IOException {
        Path master = dir.resolve("example.org.zone");
        Path included = dir.resolve("example.org.include");
        Files.copy(zoneFile("example.org.zone"), master);
        Files.copy(zoneFile("example.org.include"), included);
        Path image = dir.resolve("example.org.image");
        Loaded loaded = load("example.org.", master);
        ZoneImage.write(AnswerCompiler.compile(loaded.zone()), loaded.fingerprint(), image);

        assertThat(ZoneImage.read(image).fingerprint().files()).containsExactly(master, included);
        assertThat(ZoneImage.readFingerprint(image).files()).containsExactly(master, included);
        assertThat(ZoneImage.read(image).fingerprint().unchanged(ZoneFingerprint.digest(master))).isTrue();

        Files.writeString(included, "extra A 192.0.2.77\n", StandardOpenOption.APPEND);

        assertThat(ZoneImage.read(image).fingerprint().unchanged(ZoneFingerprint.digest(master))).isFalse();
    }

    @Test
    void writeReplacesTheImageWholeAndLeavesNoTemporaryFile() throws IOException {
        Path image = dir.resolve("zone.image");
        Loaded first = load("loop.example.", zoneFile("loop.example.zone"));
        Loaded second = load("negttl.example.", zoneFile("negttl.example.zone"));
        CompiledZone secondCompiled = AnswerCompiler.compile(second.zone());

        ZoneImage.write(AnswerCompiler.compile(first.zone()), first.fingerprint(), image);
        ZoneImage.write(secondCompiled, second.fingerprint(), image);

        assertThat(MemorySegment.mismatch(ZoneImage.read(image).zone().layout(), 0, secondCompiled.layout().byteSize(),
                secondCompiled.layout(), 0, secondCompiled.layout().byteSize())).isEqualTo(-1);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(image);
        }
    }

    private record Loaded(Zone zone, ZoneFingerprint fingerprint) {}

    /** The zone file loaded, and the fingerprint of what it read. */
    private static Loaded load(String origin, Path file) {
        // As a compile taken a while after the file's write takes it: with the file's state.
        FileState state = FileState.settled(file, Instant.now().plus(FileState.SETTLED).plusSeconds(1));
        ZoneFingerprint.Master master = new ZoneFingerprint.Master(state, ZoneFingerprint.digest(file));
        ZoneLoadResult result = ZoneLoader.load(name(origin), file);
        assertThat(result.problems()).noneMatch(ZoneProblem::isError);
        return new Loaded(result.zone(), ZoneFingerprint.of(result.files(), master));
    }

    private void assertReadBackAsWritten(CompiledZone written, ZoneFingerprint fingerprint) throws IOException {
        Path image = dir.resolve(written.origin() + "image");
        ZoneImage.write(written, fingerprint, image);

        ZoneImage.Loaded read = ZoneImage.read(image);

        MemorySegment w = written.layout();
        MemorySegment r = read.zone().layout();
        assertThat(r.byteSize()).isEqualTo(w.byteSize());
        assertThat(MemorySegment.mismatch(w, 0, w.byteSize(), r, 0, r.byteSize())).as("first octet that differs")
                .isEqualTo(-1);
        assertThat(r.isMapped()).as("served from the mapped file").isTrue();
        MemorySegment own = ZoneImage.map(image, written.origin()).layout();
        assertThat(own.isMapped()).isTrue();
        assertThat(MemorySegment.mismatch(w, 0, w.byteSize(), own, 0, own.byteSize())).as("mapped as written")
                .isEqualTo(-1);
        assertThat(read.zone().origin().toString()).isEqualTo(written.origin().toString());
        assertThat(read.zone().serial()).isEqualTo(written.serial());
        assertThat(read.fingerprint().files()).isEqualTo(fingerprint.files());
        assertThat(read.fingerprint().digests()).hasSameSizeAs(fingerprint.digests());
        assertThat(read.fingerprint().states()).isEqualTo(fingerprint.states());
        for (int i = 0; i < fingerprint.digests().size(); i++) {
            assertThat(read.fingerprint().digests().get(i)).isEqualTo(fingerprint.digests().get(i));
        }
    }
}
