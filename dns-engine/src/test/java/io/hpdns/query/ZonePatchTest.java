package io.hpdns.query;

import static io.hpdns.query.EngineFixture.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.wire.WireNames;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.FileState;
import io.hpdns.zone.PrecompiledAnswers;
import io.hpdns.zone.ServingState;
import io.hpdns.zone.ServingStateHolder;
import io.hpdns.zone.ZoneFingerprint;
import io.hpdns.zone.ZoneImage;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import io.hpdns.zone.ZonePatch;
import io.hpdns.zone.ZoneSource;
import io.hpdns.zonefile.ScanState;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * An edit of a zone's master file compiled from the octets around it ({@link ZonePatch},
 * {@link AnswerPatch}) is the edited file compiled whole: the same nodes, records and serial, each
 * node with the same answers octet for octet, and the same responses to the battery's queries for
 * the edited names; the patched image passes the whole structural check. Edits a patch takes, one
 * at a time and one after another; edits it leaves to the whole file's read, which it must decline.
 */
class ZonePatchTest {

    private static final int GENERATED_NAMES = 20_000;
    private static final Name ORIGIN = name("gen.test.");

    @TempDir
    Path dir;

    private final QueryBattery battery = new QueryBattery();
    private int images;

    @Test
    void editsAPatchTakesCompileAsTheWholeFile() throws IOException {
        String base = generated();
        Compiled before = compileWhole(base);
        for (Map.Entry<String, UnaryOperator<String>> edit : patchable().entrySet()) {
            String text = edit.getValue().apply(base);
            assertThat(text).as("%s applies", edit.getKey()).isNotEqualTo(base);

            patchAndCompare(edit.getKey(), before, text);
        }
    }

    @Test
    void editsOneAfterAnotherCompileAsTheWholeFile() throws IOException {
        String text = generated();
        Compiled current = compileWhole(text);
        for (Map.Entry<String, UnaryOperator<String>> edit : patchable().entrySet()) {
            text = edit.getValue().apply(text);

            current = patchAndCompare("after " + edit.getKey(), current, text);
        }
    }

    @Test
    void editsAPatchCannotTakeAreLeftToTheWholeFile() throws IOException {
        String base = generated();
        Compiled before = compileWhole(base);
        Map<String, UnaryOperator<String>> edits = new LinkedHashMap<>();
        edits.put("a zone cut removed where names below stay",
                text -> text.replace("\nh5 NS ns.h5\nh5 NS ns.other.test.\n", "\n"));
        edits.put("a zone cut at a name with names below", text -> text.replace("\nh16 A", "\nb.h6 NS ns.other.test.\nh16 A"));
        edits.put("a DNAME at the apex", text -> text.replace("\n@ TXT \"apex\"\n", "\n@ TXT \"apex\"\n@ DNAME x.test.\n"));
        edits.put("the $TTL", text -> text.replace("$TTL 3600", "$TTL 3601"));
        edits.put("an error", text -> text.replace("\nh16 A 10.0.0.16\n", "\nh16 A 10.0.0.256\n"));
        edits.put("a record far from its name's others", text -> text + "h16 AAAA 2001:db8::16\n");
        edits.put("an $INCLUDE", text -> text + "$INCLUDE other.zone\n");
        edits.put("most of the file rewritten", text -> text.replace(" A ", "  A "));
        for (Map.Entry<String, UnaryOperator<String>> edit : edits.entrySet()) {
            String text = edit.getValue().apply(base);
            assertThat(text).as("%s applies", edit.getKey()).isNotEqualTo(base);

            ZonePatch.Outcome outcome = ZonePatch.read(before.zone(), before.source(), before.file(),
                    text.getBytes(StandardCharsets.UTF_8));

            assertThat(outcome).as(edit.getKey()).isInstanceOf(ZonePatch.Whole.class);
        }
    }

    /**
     * Random edits of lines anywhere in the file (new names and records, changed addresses, lines
     * removed, broken or doubled, a parenthesis, quote, semicolon, backslash or blank put in), one
     * to four at a time: each is read as a patch that compiles as
     * the whole file does, or left to the whole file; none is patched that the whole file's load
     * refuses.
     */
    @Test
    void randomEditsArePatchedAsTheWholeFileOrReadWhole() throws IOException {
        String base = generated();
        Compiled before = compileWhole(base);
        List<String> lines = List.of(base.split("\n"));
        Random random = new Random(20261203);
        int patched = 0;
        for (int round = 0; round < 14; round++) {
            List<String> edited = new ArrayList<>(lines);
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                editLine(edited, random);
            }
            String text = String.join("\n", edited) + "\n";
            Path file = write(text);
            ZonePatch.Outcome outcome = ZonePatch.read(before.zone(), before.source(), file,
                    text.getBytes(StandardCharsets.UTF_8));
            if (outcome instanceof ZonePatch.Patch) {
                patchAndCompare("random edit " + round, before, text);
                patched++;
            }
        }
        assertThat(patched).as("random edits patched").isGreaterThanOrEqualTo(5);
    }

    /** One random edit of a line of the file's last 19,000 (the first hold the directives and the SOA). */
    private static void editLine(List<String> lines, Random random) {
        int at = lines.size() - 1 - random.nextInt(Math.min(19_000, lines.size() - 10));
        String line = lines.get(at);
        switch (random.nextInt(8)) {
            case 0 -> lines.add(at, "rnd" + random.nextInt(1000) + " A 192.0.2." + random.nextInt(256));
            case 1 -> lines.remove(at);
            case 2 -> lines.add(at, "broken A (");
            case 3 -> lines.add(at + 1, line);
            case 4 -> lines.add(at + 1, line.split(" ")[0] + " TXT \"added\"");
            case 5 -> {
                // A character the lexer reads apart (RFC 1035 §5.1), anywhere in the line.
                int where = random.nextInt(line.length() + 1);
                char c = "()\";\\ \t".charAt(random.nextInt(7));
                lines.set(at, line.substring(0, where) + c + line.substring(where));
            }
            default -> lines.set(at, line.replaceAll(" A [0-9.]+$", " A 198.51.100." + random.nextInt(256)));
        }
    }

    @Test
    void aFileWithARecordTwiceIsReadWhole() throws IOException {
        String base = generated() + "h16 A 10.0.0.16\n";
        Compiled before = compileWhole(base);

        ZonePatch.Outcome outcome = ZonePatch.read(before.zone(), before.source(), before.file(),
                base.replace("\nh32 A 10.0.0.32\n", "\nh32 A 10.0.0.33\n").getBytes(StandardCharsets.UTF_8));

        assertThat(before.source().everyRecordOnce()).isFalse();
        assertThat(outcome).isInstanceOf(ZonePatch.Whole.class);
    }

    /** Edits a patch takes, named. */
    private static Map<String, UnaryOperator<String>> patchable() {
        Map<String, UnaryOperator<String>> edits = new LinkedHashMap<>();
        edits.put("an address", text -> text.replace("\nh16 A 10.0.0.16\n", "\nh16 A 192.0.2.16\n"));
        edits.put("a TTL", text -> text.replace("\nh32 A 10.0.0.32\n", "\nh32 60 A 10.0.0.32\n"));
        edits.put("a record added to a name", text -> text.replace("\nh48 A 10.0.0.48\n",
                "\nh48 A 10.0.0.48\nh48 AAAA 2001:db8::48\n"));
        edits.put("a name added in the middle", text -> text.replace("\nh10000 A 10.0.39.16\n",
                "\nh10000 A 10.0.39.16\nadded10000 A 192.0.2.200\n"));
        edits.put("a name added at the end", text -> text + "added A 192.0.2.201\n");
        edits.put("a name added below names that do not exist", text -> text + "x.y.newent A 192.0.2.202\n");
        edits.put("the SOA serial", text -> text.replace(" 7200 3600 1209600 300", "0 7200 3600 1209600 300"));
        edits.put("the SOA's negative TTL", text -> text.replace(" 7200 3600 1209600 300", " 7200 3600 1209600 60"));
        edits.put("a CNAME, MX, SRV and HTTPS target's address", text -> text.replace("\nh0 A 10.0.0.0\n", "\nh0 A 192.0.2.100\n"));
        edits.put("glue", text -> text.replace("\nns.h5 A 10.0.0.5\n", "\nns.h5 A 192.0.2.105\n"));
        edits.put("a wildcard's data", text -> text.replace("\n*.wild A 192.0.2.5\n", "\n*.wild A 192.0.2.55\n"));
        edits.put("a missing CNAME target added", text -> text.replace("\nh8 CNAME missing8\n",
                "\nh8 CNAME missing8\nmissing8 A 192.0.2.8\n"));
        edits.put("an owner's letter case", text -> text.replace("\nH11-Upper A", "\nh11-UPPER A"));
        edits.put("a delegation at a new name", text -> text + "newcut NS ns.newcut\nns.newcut A 192.0.2.9\n");
        edits.put("a DNAME target's address", text -> text.replace("\nt7 A 10.0.0.7\n", "\nt7 A 192.0.2.107\n"));
        edits.put("names a DNAME synthesizes added", text -> text + "occluded.t7 A 192.0.2.78\ny.t7 A 192.0.2.79\n");
        edits.put("a DNAME's target", text -> text.replace("\nh7 DNAME t7.gen.test.\n", "\nh7 DNAME x.t7.gen.test.\n"));
        edits.put("a comment", text -> text.replace("\nh16 A", "\n; a comment\nh16 A"));
        edits.put("a name removed", text -> text.replaceAll("\nh64 A [0-9.]+\n", "\n"));
        edits.put("a name removed, and the empty non-terminals only it kept",
                text -> text.replace("\na.b.h6 A 10.0.0.6\n", "\n"));
        edits.put("the records of a name removed that names below keep",
                text -> text.replaceAll("\nt7 A [0-9.]+\n", "\n"));
        edits.put("two edits far apart", text -> text.replace("\nh64 A 10.0.0.64\n", "\nh64 A 192.0.2.64\n")
                .replace("\nh19200 A 10.0.75.0\n", "\nh19200 A 192.0.2.192\n"));
        edits.put("the serial, a name in the middle and one at the end, each moving what follows",
                text -> text.replace(" 7200 3600 1209600 300", "1 7200 3600 1209600 300")
                        .replace("\nh10000 A 10.0.39.16\n", "\nh10000 A 192.0.2.100\nh10000 TXT \"moved\"\n")
                        .replace("\ntoward-dname CNAME y.h7\n", "\ntoward-dname CNAME y.h7\nlast TXT \"end\"\n"));
        return edits;
    }

    /** A zone compiled into an image, the file it was read from and the source kept beside it. */
    private record Compiled(CompiledZone zone, Path image, Path file, ZoneSource source) {}

    private Compiled compileWhole(String text) throws IOException {
        Path file = write(text);
        byte[] octets = Files.readAllBytes(file);
        List<ScanState> checkpoints = new ArrayList<>();
        ZoneLoadResult result = ZoneLoader.load(ORIGIN, file, octets, ZoneSource.CHECKPOINT_EVERY, checkpoints::add);
        assertThat(result.ok()).as("%s loads: %s", file, result.problems()).isTrue();
        Path image = dir.resolve("whole" + images++ + ".zimg");
        AnswerCompiler.compileImage(result.zone(), null, fingerprint(file), image);
        return new Compiled(ZoneImage.read(image).zone(), image, file,
                new ZoneSource(octets, checkpoints, result.everyRecordOnce(), 0));
    }

    /**
     * Patches {@code before} with the edit to {@code text}, compares the patched image with the
     * whole file's compile, and returns the patched image, for the next edit.
     */
    private Compiled patchAndCompare(String what, Compiled before, String text) throws IOException {
        Path file = write(text);
        byte[] octets = Files.readAllBytes(file);
        ZonePatch.Outcome outcome = ZonePatch.read(before.zone(), before.source(), file, octets);
        assertThat(outcome).as("%s: %s", what, outcome).isInstanceOf(ZonePatch.Patch.class);
        ZonePatch.Patch patch = (ZonePatch.Patch) outcome;
        Path image = dir.resolve("patched" + images++ + ".zimg");
        AnswerPatch.patchImage(before.zone(), before.image(), patch, fingerprint(file), image);
        // ZoneImage.read checks the patched layout's whole structure, as no reader does in service.
        CompiledZone patched = ZoneImage.read(image).zone();
        ZoneLoadResult whole = ZoneLoader.load(ORIGIN, file);
        assertThat(whole.ok()).as("%s loads: %s", what, whole.problems()).isTrue();
        CompiledZone afresh = AnswerCompiler.compile(whole.zone());

        assertSameZone(what, afresh, patched);
        Set<String> names = new LinkedHashSet<>(List.of("gen.test.", "zz.gen.test.", "h18.gen.test.", "h9.gen.test.",
                "h8.gen.test.", "h2.gen.test.", "h5.gen.test.", "ns.h5.gen.test.", "zz.wild.gen.test.",
                "occluded.h7.gen.test.", "toward-dname.gen.test.", "y.h7.gen.test."));
        for (ZonePatch.Change change : patch.changes()) {
            String owner = WireNames.toString(change.node().owner(), 0);
            names.add(owner);
            names.add("zz." + owner);
        }
        battery.compare(names, "whole", processors(afresh), "patched", processors(patched));
        return new Compiled(patched, image, file, new ZoneSource(octets, patch.checkpoints(), patch.everyRecordOnce(), 0));
    }

    /** The same nodes, each with the same content and answers, and the same records and serial. */
    private static void assertSameZone(String what, CompiledZone expected, CompiledZone actual) {
        assertThat(actual.nodeCount()).as("%s: nodes", what).isEqualTo(expected.nodeCount());
        assertThat(actual.recordCount()).as("%s: records", what).isEqualTo(expected.recordCount());
        assertThat(actual.serial()).as("%s: serial", what).isEqualTo(expected.serial());
        byte[] key = new byte[255];
        for (long node = expected.firstNode(); node < expected.nodesEnd(); node = expected.nextNode(node)) {
            int length = expected.copyName(expected.key(node), key, 0);
            String owner = WireNames.toString(key, 0);
            long other = actual.node(key, 0, length);
            assertThat(other).as("%s: %s is a node", what, owner).isNotEqualTo(CompiledZone.NONE);
            assertThat(actual.sameNode(other, expected, node)).as("%s: %s holds the same", what, owner).isTrue();
            assertThat(answers(actual, other)).as("%s: the answers of %s", what, owner)
                    .isEqualTo(answers(expected, node));
        }
    }

    private static byte[] answers(CompiledZone zone, long node) {
        int at = zone.answersAt(node);
        if (at == PrecompiledAnswers.NOT_COMPILED) {
            return null;
        }
        PrecompiledAnswers answers = zone.answers();
        return answers.bytes().asSlice(at, answers.length(at)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    private static List<QueryProcessor> processors(CompiledZone zone) {
        return QueryBattery.processors(new ServingStateHolder(ServingState.of(List.of(zone))), true);
    }

    /**
     * The battery's generated zone, and names whose answers a DNAME redirects (RFC 6672 §2.3): one
     * below the DNAME at h7 (occluded, its queries answered by synthesis) and a CNAME to another.
     */
    private String generated() throws IOException {
        Path file = dir.resolve("generated.zone");
        QueryBattery.writeGeneratedZone(file, GENERATED_NAMES);
        return Files.readString(file) + "occluded.h7 A 192.0.2.77\ntoward-dname CNAME y.h7\n";
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("zone" + images + ".zone");
        Files.writeString(file, text);
        return file;
    }

    private static ZoneFingerprint fingerprint(Path file) {
        return ZoneFingerprint.of(List.of(file), new ZoneFingerprint.Master(FileState.UNSETTLED,
                ZoneFingerprint.digest(file)));
    }
}
