package io.hpdns.query;

import static io.hpdns.query.EngineFixture.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.FileState;
import io.hpdns.zone.Zone;
import io.hpdns.zone.ZoneFingerprint;
import io.hpdns.zone.ZoneImage;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zone compiled with its previous compile at hand, its unchanged nodes keeping their answers,
 * is the zone compiled afresh, octet for octet, whatever changed in between: a record, a TTL, an
 * owner's letter case, the SOA, a node added or removed, and the changes that reach nodes whose
 * own records did not change (a zone cut or a DNAME put above them, the address behind a CNAME,
 * MX, SRV or NS target, a DNAME at the apex). Compiled into an image, as the compiler does, on one
 * thread, and in memory on several (each thread's answers then moved along), each against a fresh
 * compile on as many threads.
 */
class AnswerReuseTest {

    private static final int GENERATED_NAMES = 4_000;

    @TempDir
    Path dir;

    @Test
    void unchangedZonesCompileToTheSameLayout() throws IOException {
        Map<String, Path> zones = new LinkedHashMap<>(EngineFixture.exampleAndTestZones());
        zones.put("gen.test.", generated("gen.zone", UnaryOperator.identity()));
        for (Map.Entry<String, Path> zone : zones.entrySet()) {
            Zone loaded = load(zone.getKey(), zone.getValue());
            CompiledZone previous = AnswerCompiler.compile(loaded);

            assertSameAsAfresh(zone.getKey(), loaded, previous);
        }
    }

    @Test
    void generatedZoneEditedEachWayIsTheZoneCompiledAfresh() throws IOException {
        Zone base = load("gen.test.", generated("base.zone", UnaryOperator.identity()));
        CompiledZone previous = AnswerCompiler.compile(base);
        Map<String, UnaryOperator<String>> edits = new LinkedHashMap<>();
        edits.put("an address", text -> text.replace("\nh16 A 10.0.0.16\n", "\nh16 A 192.0.2.16\n"));
        edits.put("a TTL", text -> text.replace("\nh32 A 10.0.0.32\n", "\nh32 60 A 10.0.0.32\n"));
        edits.put("a node removed", text -> text.replace("\nh48 A 10.0.0.48\n", "\n"));
        edits.put("a node added", text -> text + "added A 192.0.2.200\n");
        edits.put("an owner's letter case", text -> text.replace("\nH11-Upper A", "\nh11-UPPER A"));
        edits.put("the SOA and negative TTL", text -> text.replace("1 7200 3600 1209600 300", "2 7200 3600 1209600 60"));
        edits.put("a zone cut above names", text -> text + "b.h6 NS ns.other.test.\n");
        edits.put("a DNAME above names", text -> text + "b.h22 DNAME elsewhere.test.\n");
        edits.put("a CNAME target's address", text -> text.replace("\nh0 A 10.0.0.0\n", "\nh0 A 192.0.2.100\n"));
        edits.put("an MX and SRV target's address", text -> text.replace("\nh17 A 10.0.0.17\n", "\nh17 A 192.0.2.117\n"));
        edits.put("glue", text -> text.replace("\nns.h5 A 10.0.0.5\n", "\nns.h5 A 192.0.2.105\n"));
        edits.put("a CNAME at a plain name", text -> text.replace("\nh64 A 10.0.0.64\n", "\nh64 CNAME h0\n"));
        edits.put("a DNAME at the apex", text -> text + "@ DNAME elsewhere.test.\n");
        int kept = 0;
        for (Map.Entry<String, UnaryOperator<String>> edit : edits.entrySet()) {
            Path file = generated(edit.getKey().replace(' ', '-') + ".zone", edit.getValue());
            assertThat(Files.readString(file)).as("the edit applies").isNotEqualTo(Files.readString(dir.resolve("base.zone")));
            Zone edited = load("gen.test.", file);

            int keptOfEdit = assertSameAsAfresh(edit.getKey(), edited, previous);

            if (!edit.getKey().equals("a DNAME at the apex")) {
                assertThat(keptOfEdit).as("%s: most names keep their answers", edit.getKey())
                        .isGreaterThan(GENERATED_NAMES / 4);
            }
            kept += keptOfEdit;
        }
        assertThat(kept).isPositive();
    }

    /**
     * Compiles {@code zone} with {@code previous} at hand, into an image and in memory on three
     * threads, and requires both to be the zone compiled afresh; returns how many nodes kept their answers.
     */
    private int assertSameAsAfresh(String what, Zone zone, CompiledZone previous) throws IOException {
        MemorySegment afresh = AnswerCompiler.compile(zone).layout();
        Path image = dir.resolve("image");
        ZoneFingerprint noFiles = ZoneFingerprint.of(List.of(dir.resolve("none")),
                new ZoneFingerprint.Master(FileState.UNSETTLED, new byte[0]));
        int kept = AnswerCompiler.compileImage(zone, previous, noFiles, image);
        MemorySegment compiled = ZoneImage.read(image).zone().layout();
        // Slices lay the answers out in another order: compared with a fresh compile in as many.
        MemorySegment afreshThreaded = AnswerCompiler.compile(zone, null, 3).layout();
        MemorySegment threaded = AnswerCompiler.compile(zone, previous, 3).layout();

        assertThat(MemorySegment.mismatch(afresh, 0, afresh.byteSize(), compiled, 0, compiled.byteSize()))
                .as("%s: the first octet of the image that differs", what).isEqualTo(-1);
        assertThat(MemorySegment.mismatch(afreshThreaded, 0, afreshThreaded.byteSize(), threaded, 0, threaded.byteSize()))
                .as("%s: the first octet compiled on three threads that differs", what).isEqualTo(-1);
        return kept;
    }

    private Path generated(String name, UnaryOperator<String> edit) throws IOException {
        Path file = dir.resolve(name);
        QueryBattery.writeGeneratedZone(file, GENERATED_NAMES);
        Files.writeString(file, edit.apply(Files.readString(file)));
        return file;
    }

    private static Zone load(String origin, Path file) {
        ZoneLoadResult result = ZoneLoader.load(name(origin), file);
        assertThat(result.ok()).as("%s loads: %s", file, result.problems()).isTrue();
        return result.zone();
    }
}
