package io.hpdns.zone;

import static io.hpdns.query.EngineFixture.name;
import static io.hpdns.query.EngineFixture.zoneFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.hpdns.query.EngineFixture;
import io.hpdns.query.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.UNKRecord;

/**
 * Zone loading and validation, reported like {@code kzonecheck}: {@code file:line: message}. Each
 * broken zone under {@code zones/broken} has one fault; the offending line is marked {@code <-} in
 * the file, and the test asserts that exact line.
 */
class ZoneLoaderTest {

    private static final String MARKER = "<-";

    @Test
    void validZoneLoadsWithItsSerialAndNoProblems() {
        ZoneLoadResult result = ZoneLoader.load(name("example.org."), zoneFile("example.org.zone"));

        assertThat(result.problems()).isEmpty();
        assertThat(result.ok()).isTrue();
        assertThat(result.zone().origin()).isEqualTo(name("example.org."));
        assertThat(result.zone().serial()).isEqualTo(2026112301L);
    }

    @Test
    void missingSoaIsAnErrorAboutTheWholeZone() {
        ZoneProblem problem = onlyError("missing-soa.zone");

        assertThat(problem.line()).as("line 0: the finding concerns the zone, not a record").isZero();
        assertThat(problem.message()).containsIgnoringCase("SOA");
        assertThat(problem.format()).startsWith(problem.file() + ": ");
    }

    @Test
    void secondSoaIsAnErrorAtItsLine() {
        ZoneProblem problem = onlyError("two-soa.zone");

        assertAtMarkedLine(problem, "two-soa.zone");
        assertThat(problem.message()).containsIgnoringCase("SOA");
    }

    @Test
    void soaBelowTheApexIsAnErrorAtItsLine() {
        ZoneProblem problem = onlyError("soa-not-at-apex.zone");

        assertAtMarkedLine(problem, "soa-not-at-apex.zone");
        assertThat(problem.message()).containsIgnoringCase("SOA");
    }

    @Test
    void missingApexNsIsAnErrorAboutTheWholeZone() {
        ZoneProblem problem = onlyError("no-apex-ns.zone");

        assertThat(problem.line()).isZero();
        assertThat(problem.message()).contains("NS");
    }

    @Test
    void cnameBesideOtherDataIsAnErrorAtTheCname() {
        ZoneProblem problem = onlyError("cname-and-other-data.zone");

        assertAtMarkedLine(problem, "cname-and-other-data.zone");
        assertThat(problem.message()).contains("CNAME");
    }

    @Test
    void secondCnameAtANameIsAnErrorAtItsLine() {
        // RFC 2181 §10.1: one name, one canonical name
        ZoneProblem problem = onlyError("two-cnames.zone");

        assertAtMarkedLine(problem, "two-cnames.zone");
        assertThat(problem.message()).contains("CNAME");
    }

    @Test
    void recordOutsideTheZoneIsAnErrorAtItsLine() {
        ZoneProblem problem = onlyError("out-of-zone.zone");

        assertAtMarkedLine(problem, "out-of-zone.zone");
        assertThat(problem.message()).contains("www.example.net");
    }

    @Test
    void syntaxErrorIsAnErrorAtItsLine() {
        ZoneProblem problem = onlyError("syntax-error.zone");

        assertAtMarkedLine(problem, "syntax-error.zone");
    }

    @Test
    void errorInAnIncludedFileIsReportedInThatFile() {
        ZoneLoadResult result = load("include-error.zone");

        assertThat(result.ok()).isFalse();
        assertThat(errors(result)).singleElement()
                .satisfies(problem -> assertAtMarkedLine(problem, "include-error.inc"));
    }

    @Test
    void lineOfAnErrorCountsTheLinesOfMultiLineRecordsBeforeIt() {
        ZoneProblem problem = onlyError("error-after-multiline-soa.zone");

        assertAtMarkedLine(problem, "error-after-multiline-soa.zone");
    }

    @Test
    void lineOfAnErrorAfterAnIncludeIsCountedInTheIncludingFile() {
        ZoneProblem problem = onlyError("error-after-include.zone");

        assertAtMarkedLine(problem, "error-after-include.zone");
    }

    @Test
    void errorFromAGenerateDirectiveIsReportedAtItsLine() {
        ZoneLoadResult result = load("generate-error.zone");

        assertThat(result.ok()).isFalse();
        assertThat(errors(result)).isNotEmpty()
                .allSatisfy(problem -> assertAtMarkedLine(problem, "generate-error.zone"));
    }

    @Test
    void dataBelowADnameIsRefusedOrOccluded() {
        // RFC 6672 §2.4: no data below a DNAME owner; a server MAY refuse the zone, else the data is
        // occluded and the DNAME answers for the name
        ZoneLoadResult result = load("dname-with-child.zone");

        assertThat(result.problems()).as("a finding, if any, names the occluded record")
                .allSatisfy(problem -> assertAtMarkedLine(problem, "dname-with-child.zone"));
        if (result.ok()) {
            Reply reply = EngineFixture.serving(result.zone()).ask("www.dn.example.org.", Type.A);
            assertThat(reply.answer()).containsExactly(
                    "dn.example.org. 3600 IN DNAME example.net.", "www.dn.example.org. 3600 IN CNAME www.example.net.");
        }
    }

    @Test
    void zoneWithoutOriginDirectiveUsesTheOriginItIsLoadedAs() {
        ZoneLoadResult result = ZoneLoader.load(name("implicit.example."), zoneFile("implicit-origin.zone"));

        assertThat(result.problems()).isEmpty();
        assertThat(result.zone().serial()).isEqualTo(7L);
        assertThat(EngineFixture.serving(result.zone()).ask("www.implicit.example.", Type.A).answer())
                .containsExactly("www.implicit.example. 600 IN A 192.0.2.231");
    }

    @Test
    void originGivenInAnyLetterCaseServesTheZone() {
        // RFC 4343 §3: EXAMPLE.ORG. and example.org. are one name
        ZoneLoadResult result = ZoneLoader.load(name("EXAMPLE.Org."), zoneFile("example.org.zone"));

        assertThat(result.problems()).isEmpty();
        assertThat(EngineFixture.serving(result.zone()).ask("www.example.org.", Type.A).answer())
                .containsExactly("www.example.org. 3600 IN A 192.0.2.80");
    }

    @Test
    void missingGlueIsAWarningAndTheZoneStillLoads() {
        // RFC 1034 §4.2.1: an in-bailiwick name server needs glue, else the delegation is unusable
        ZoneLoadResult result = load("missing-glue.zone");

        assertThat(result.ok()).as("warnings do not stop the zone: %s", result.problems()).isTrue();
        assertThat(result.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.isError()).isFalse();
            assertAtMarkedLine(problem, "missing-glue.zone");
            assertThat(problem.format()).contains(": warning: ");
        });

        Reply reply = EngineFixture.serving(result.zone()).ask("www.sub.example.org.", Type.A);
        assertThat(reply.flag(Flags.AA)).isFalse();
        assertThat(reply.authority()).containsExactlyInAnyOrder(
                "sub.example.org. 3600 IN NS ns.sub.example.org.", "sub.example.org. 3600 IN NS ns.example.net.");
        assertThat(reply.additional()).isEmpty();
    }

    @Test
    void ttlMismatchInAnRRsetIsAWarningAndTheFirstTtlIsServed() {
        // RFC 2181 §5.2: all TTLs of an RRset are equal; the loader keeps the first one
        ZoneLoadResult result = load("ttl-mismatch.zone");

        assertThat(result.ok()).isTrue();
        assertThat(result.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.isError()).isFalse();
            assertAtMarkedLine(problem, "ttl-mismatch.zone");
        });

        Reply reply = EngineFixture.serving(result.zone()).ask("multi.example.org.", Type.A);
        assertThat(reply.answer()).containsExactlyInAnyOrder(
                "multi.example.org. 300 IN A 192.0.2.31", "multi.example.org. 300 IN A 192.0.2.32");
    }

    @Test
    void duplicateRecordsAreServedOnce() {
        // RFC 2181 §5: an RRset is a set
        ZoneLoadResult result = load("duplicate.zone");

        assertThat(result.ok()).isTrue();
        assertThat(errors(result)).isEmpty();

        Reply reply = EngineFixture.serving(result.zone()).ask("dup.example.org.", Type.A);
        assertThat(reply.answer()).containsExactlyInAnyOrder(
                "dup.example.org. 3600 IN A 192.0.2.40", "dup.example.org. 3600 IN A 192.0.2.41");
    }

    @Test
    void rdataTooLongForWireFormatIsAnErrorAtItsLineAndLaterRecordsAreStillChecked(@TempDir Path dir)
            throws IOException {
        // RFC 1035 §3.2.1: RDLENGTH is 16 bits; dnsjava parses a TXT of 300 strings of 250 octets.
        String strings = ("\"" + "x".repeat(250) + "\" ").repeat(300);
        Path file = Files.writeString(dir.resolve("long.zone"), """
                $ORIGIN example.org.
                $TTL 3600
                @ SOA ns1 hostmaster 1 7200 3600 1209600 300
                @ NS ns1
                ns1 A 192.0.2.1
                long TXT %s
                cname CNAME ns1
                cname A 192.0.2.2
                """.formatted(strings));

        ZoneLoadResult result = ZoneLoader.load(name("example.org."), file);

        assertThat(result.ok()).isFalse();
        assertThat(errors(result)).hasSize(2);
        assertThat(errors(result).getFirst().format())
                .startsWith(file + ":6: TXT record at long.example.org. cannot be written in DNS wire format");
        assertThat(errors(result).get(1).line()).as("the CNAME beside other data").isEqualTo(7);
    }

    @Test
    void missingFileIsAnErrorNotAnException(@TempDir Path dir) {
        Path missing = dir.resolve("no-such.zone");

        assertThatCode(() -> ZoneLoader.load(name("example.org."), missing)).doesNotThrowAnyException();
        ZoneLoadResult result = ZoneLoader.load(name("example.org."), missing);

        assertThat(result.ok()).isFalse();
        assertThat(result.zone()).isNull();
        assertThat(errors(result)).singleElement()
                .satisfies(problem -> assertThat(problem.format()).contains("no-such.zone"));
    }

    @Test
    void directoryInsteadOfAFileIsAnErrorNotAnException(@TempDir Path dir) {
        ZoneLoadResult result = ZoneLoader.load(name("example.org."), dir);

        assertThat(result.ok()).isFalse();
        assertThat(errors(result)).isNotEmpty();
    }

    @Test
    void emptyFileIsAnError(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.zone"), "");

        ZoneLoadResult result = ZoneLoader.load(name("example.org."), empty);

        assertThat(result.ok()).isFalse();
        assertThat(errors(result)).isNotEmpty();
    }

    @Test
    void includedRecordsAreServed() {
        Reply reply = EngineFixture.parentOnly().ask("inc.example.org.", Type.TXT);

        assertThat(reply.answer()).containsExactly("inc.example.org. 3600 IN TXT \"included\"");
    }

    @Test
    void generatedRecordsAreServed() {
        EngineFixture engine = EngineFixture.parentOnly();

        for (int i = 1; i <= 20; i++) {
            assertThat(engine.ask("gen-" + i + ".example.org.", Type.A).answer())
                    .containsExactly("gen-" + i + ".example.org. 3600 IN A 198.51.100." + i);
        }
        assertThat(engine.ask("gen-21.example.org.", Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void ttlDirectiveAppliesToRecordsWithoutATtl() {
        // RFC 2308 §4: $TTL is the default; the SOA MINIMUM (300) is not
        EngineFixture engine = EngineFixture.parentOnly();

        assertThat(engine.ask("www.example.org.", Type.A).records(Section.ANSWER))
                .singleElement().extracting(Record::getTTL).isEqualTo(3600L);
        assertThat(engine.ask("dn.example.org.", Type.DNAME).records(Section.ANSWER))
                .singleElement().extracting(Record::getTTL).isEqualTo(1800L);
    }

    @Test
    void multiLineSoaIsReadWhole() {
        Reply reply = EngineFixture.parentOnly().ask("example.org.", Type.SOA);

        assertThat(reply.records(Section.ANSWER)).singleElement().satisfies(record -> {
            SOARecord soa = (SOARecord) record;
            assertThat(soa.getSerial()).isEqualTo(2026112301L);
            assertThat(soa.getRefresh()).isEqualTo(7200L);
            assertThat(soa.getRetry()).isEqualTo(3600L);
            assertThat(soa.getExpire()).isEqualTo(1209600L);
            assertThat(soa.getMinimum()).isEqualTo(300L);
        });
    }

    @Test
    void unknownTypeInGenericFormIsServedOpaque() {
        // RFC 3597 §5: \# rdata is loaded and served as the given octets
        Reply reply = EngineFixture.parentOnly().ask("unk.example.org.", 65280);

        assertThat(reply.rcode()).isEqualTo(Rcode.NOERROR);
        assertThat(reply.records(Section.ANSWER)).singleElement().satisfies(record -> {
            assertThat(record.getType()).isEqualTo(65280);
            assertThat(record.getTTL()).isEqualTo(3600L);
            assertThat(((UNKRecord) record).getData()).containsExactly(0x0a, 0x00, 0x00, 0x01);
        });
    }

    private static ZoneLoadResult load(String brokenZone) {
        return ZoneLoader.load(name("example.org."), zoneFile("broken/" + brokenZone));
    }

    /** Loads a broken zone, which must fail with exactly one error. */
    private static ZoneProblem onlyError(String brokenZone) {
        ZoneLoadResult result = load(brokenZone);
        assertThat(result.ok()).as("%s must not load", brokenZone).isFalse();
        assertThat(result.zone()).isNull();
        List<ZoneProblem> errors = errors(result);
        assertThat(errors).as("errors of %s", brokenZone).hasSize(1);
        ZoneProblem problem = errors.getFirst();
        assertThat(Path.of(problem.file()).getFileName()).hasToString(brokenZone);
        return problem;
    }

    private static List<ZoneProblem> errors(ZoneLoadResult result) {
        return result.problems().stream().filter(ZoneProblem::isError).toList();
    }

    private static void assertAtMarkedLine(ZoneProblem problem, String brokenFile) {
        int line = markedLine(zoneFile("broken/" + brokenFile));
        assertThat(Path.of(problem.file()).getFileName()).as("file of %s", problem).hasToString(brokenFile);
        assertThat(problem.line()).as("line of %s", problem).isEqualTo(line);
        assertThat(problem.format()).contains(brokenFile + ":" + line + ": ");
    }

    /** The 1-based number of the one line marked {@code <-}. */
    private static int markedLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            int found = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(MARKER)) {
                    assertThat(found).as("one marked line in %s", file).isZero();
                    found = i + 1;
                }
            }
            assertThat(found).as("a marked line in %s", file).isPositive();
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
