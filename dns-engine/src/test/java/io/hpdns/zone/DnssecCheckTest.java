package io.hpdns.zone;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.query.EngineFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code hpdns check-zone --dnssec} ({@link DnssecCheck}) on the signed test zones as signed, and
 * broken the ways signed zones break in production; and the warning a load gives about signatures
 * about to expire ({@link SignatureExpiry}).
 */
class DnssecCheckTest {
    /** Inside the test zones' signature validity (2026 to 2046). */
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration WEEK = Duration.ofDays(7);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"signed.example.", "nsec3.example.", "optout.example."})
    void zonesAsSignedPass(String origin) {
        Path file = EngineFixture.zoneFile("signed/" + origin + "zone");

        assertThat(check(origin, file, NOW)).isEmpty();
    }

    @Test
    void anEditedRecordNoLongerVerifies() throws IOException {
        Path file = edited(text -> text.replace("192.0.2.80", "192.0.2.81"));

        assertThat(check("signed.example.", file, NOW)).singleElement().satisfies(problem -> {
            assertThat(problem.isError()).isTrue();
            assertThat(problem.message()).startsWith("RRSIG A of www.signed.example. does not verify");
            assertThat(lineOf(file, problem.line())).startsWith("www.signed.example.\t3600\tIN\tRRSIG\tA ");
        });
    }

    @Test
    void aMissingKeyIsNamedByItsTag() throws IOException {
        Path file = edited(text -> text.lines().filter(line -> !line.contains("DNSKEY\t256"))
                .collect(Collectors.joining("\n", "", "\n")));

        assertThat(check("signed.example.", file, NOW)).isNotEmpty().allSatisfy(problem -> assertThat(problem.message())
                .containsAnyOf("no DNSKEY with key tag", "does not verify"));
    }

    @Test
    void anUnsignedRRsetIsAnError() throws IOException {
        Path file = edited(text -> text.lines().filter(line -> !line.startsWith("www.signed.example.\t3600\tIN\tRRSIG\tAAAA"))
                .collect(Collectors.joining("\n", "", "\n")));

        assertThat(check("signed.example.", file, NOW)).extracting(ZoneProblem::message)
                .containsExactly("AAAA of www.signed.example. has no RRSIG");
    }

    @Test
    void aNameLeftOutOfTheNsecChainIsFound() throws IOException {
        // www's NSEC and its RRSIG gone: the NSEC before it still names it, and www has none
        Path file = edited(text -> text.lines().filter(line -> !line.startsWith("www.signed.example.\t300\tIN\t"))
                .collect(Collectors.joining("\n", "", "\n")));

        assertThat(check("signed.example.", file, NOW)).extracting(ZoneProblem::message)
                .contains("www.signed.example. has no NSEC: the chain skips it");
    }

    @Test
    void aBitmapThatLiesIsFound() throws IOException {
        Path file = edited(text -> text.replace("www.signed.example.\t300\tIN\tNSEC\tz.signed.example. A TXT AAAA",
                "www.signed.example.\t300\tIN\tNSEC\tz.signed.example. A AAAA"));

        assertThat(check("signed.example.", file, NOW)).extracting(ZoneProblem::message)
                .anyMatch(message -> message.startsWith("NSEC of www.signed.example. lists A AAAA RRSIG NSEC, the name has"));
    }

    @Test
    void anNsec3LeftOutBreaksTheChainAndLeavesItsNameWithout() throws IOException {
        Path file = dir.resolve("nsec3.example.zone");
        String text = Files.readString(EngineFixture.zoneFile("signed/nsec3.example.zone"));
        String www = hashedOwner(text, "A TXT AAAA RRSIG");
        Files.writeString(file, text.lines().filter(line -> !line.startsWith(www))
                .collect(Collectors.joining("\n", "", "\n")));

        assertThat(check("nsec3.example.", file, NOW)).extracting(ZoneProblem::message)
                .anyMatch(message -> message.startsWith("www.nsec3.example. has no NSEC3"))
                .anyMatch(message -> message.contains(" next, not ") && message.endsWith("(RFC 5155 §3.1.7)"));
    }

    @Test
    void anNsec3BitmapThatLiesIsFound() throws IOException {
        Path file = dir.resolve("nsec3.example.zone");
        String text = Files.readString(EngineFixture.zoneFile("signed/nsec3.example.zone"));
        Files.writeString(file, text.replace(" A TXT AAAA RRSIG\n", " A AAAA RRSIG\n"));

        assertThat(check("nsec3.example.", file, NOW)).extracting(ZoneProblem::message)
                .anyMatch(message -> message.startsWith("NSEC3 of www.nsec3.example. lists A AAAA RRSIG, the name has"));
    }

    /** The owner of the NSEC3 whose bitmap is {@code types}: the start of its lines. */
    private static String hashedOwner(String text, String types) {
        return text.lines().filter(line -> line.contains(" NSEC3\t") && line.endsWith(" " + types)).findFirst()
                .map(line -> line.substring(0, line.indexOf('\t'))).orElseThrow();
    }

    @Test
    void signaturesAreCheckedAgainstTheTime() {
        Path file = EngineFixture.zoneFile("signed/signed.example.zone");

        assertThat(check("signed.example.", file, Instant.parse("2047-01-01T00:00:00Z")))
                .isNotEmpty().allSatisfy(problem -> {
                    assertThat(problem.isError()).isTrue();
                    assertThat(problem.message()).endsWith("expired on 2046-01-01T00:00:00Z");
                });
        assertThat(check("signed.example.", file, Instant.parse("2025-01-01T00:00:00Z")))
                .isNotEmpty().allSatisfy(problem -> assertThat(problem.message()).endsWith("not valid before 2026-01-01T00:00:00Z"));
        assertThat(check("signed.example.", file, Instant.parse("2045-12-28T00:00:00Z")))
                .isNotEmpty().allSatisfy(problem -> {
                    assertThat(problem.isError()).isFalse();
                    assertThat(problem.message()).endsWith("expires on 2046-01-01T00:00:00Z, within 7 days");
                });
    }

    @Test
    void aLoadWarnsOfSignaturesAboutToExpire() throws IOException {
        // RFC 4034 §3.2: expiration and inception as YYYYMMDDHHmmSS; the signature need not verify here
        String soon = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(java.time.ZoneOffset.UTC)
                .format(Instant.now().plus(Duration.ofDays(3)));
        Path file = dir.resolve("soon.example.zone");
        Files.writeString(file, """
                $ORIGIN soon.example.
                @ 3600 IN SOA ns hostmaster 1 7200 3600 1209600 300
                @ 3600 IN NS ns
                ns 3600 IN A 192.0.2.1
                ns 3600 IN RRSIG A 13 3 3600 %s 20260101000000 12345 soon.example. AAAA
                """.formatted(soon));

        ZoneLoadResult result = ZoneLoader.load(EngineFixture.name("soon.example."), file);

        assertThat(result.ok()).isTrue();
        assertThat(result.problems()).extracting(ZoneProblem::format).singleElement().asString()
                .contains("warning: 1 signature expiring within 7 days").contains(file + ":5");
    }

    @Test
    void aLoadWarnsOfNsec3IterationsAndSalt() throws IOException {
        // RFC 9276 §3.1: no extra iterations, no salt; the fixtures have neither, and no warning
        Path file = dir.resolve("iterated.example.zone");
        Files.writeString(file, """
                $ORIGIN iterated.example.
                @ 3600 IN SOA ns hostmaster 1 7200 3600 1209600 300
                @ 3600 IN NS ns
                @ 3600 IN NSEC3PARAM 1 0 10 aabbccdd
                ns 3600 IN A 192.0.2.1
                """);

        ZoneLoadResult result = ZoneLoader.load(EngineFixture.name("iterated.example."), file);

        assertThat(result.ok()).isTrue();
        assertThat(result.problems()).extracting(ZoneProblem::format).singleElement().asString()
                .startsWith(file + ":4: warning: NSEC3PARAM with 10 extra iterations and a salt of 4 octets");
        assertThat(ZoneLoader.load(EngineFixture.name("nsec3.example."), EngineFixture.zoneFile("signed/nsec3.example.zone"))
                .problems()).isEmpty();
    }

    private static List<ZoneProblem> check(String origin, Path file, Instant now) {
        ZoneLoadResult loaded = ZoneLoader.load(EngineFixture.name(origin), file);
        assertThat(loaded.ok()).as(loaded.problems().toString()).isTrue();
        return DnssecCheck.check(loaded.zone(), file, now, WEEK);
    }

    private Path edited(UnaryOperator<String> edit) throws IOException {
        Path file = dir.resolve("signed.example.zone");
        String text = Files.readString(EngineFixture.zoneFile("signed/signed.example.zone"));
        String changed = edit.apply(text);
        assertThat(changed).as("the edit changes the zone").isNotEqualTo(text);
        Files.writeString(file, changed);
        return file;
    }

    private static String lineOf(Path file, int line) {
        try {
            return Files.readAllLines(file).get(line - 1);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
