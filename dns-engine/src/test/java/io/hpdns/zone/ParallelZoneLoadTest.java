package io.hpdns.zone;

import static io.hpdns.query.EngineFixture.name;
import static io.hpdns.query.EngineFixture.zoneFile;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A large zone file is parsed on a thread of its own while the loading thread builds the zone
 * ({@link RecordHandoff}): the zone and every problem, with its file and line, must be exactly
 * what loading on one thread gives.
 */
class ParallelZoneLoadTest {

    @ParameterizedTest
    @CsvSource({
        "example.org., example.org.zone",
        "child.example.org., child.example.org.zone",
        "huge.example., huge.example.zone",
        "apex-dname.example., apex-dname.example.zone",
        "example.org., broken/duplicate.zone",
        "example.org., broken/ttl-mismatch.zone",
        "example.org., broken/missing-glue.zone",
        "example.org., broken/dname-with-child.zone",
        "example.org., broken/include-error.zone",
        "example.org., broken/error-after-include.zone",
        "example.org., broken/syntax-error.zone",
        "example.org., broken/generate-error.zone",
        "example.org., broken/two-soa.zone",
        "example.org., broken/out-of-zone.zone",
    })
    void testZonesLoadTheSameOnTwoThreads(String origin, String file) {
        assertSameOnTwoThreads(origin, zoneFile(file));
    }

    @Test
    void zoneOfManyBatchesLoadsTheSameOnTwoThreads(@TempDir Path dir) throws IOException {
        Path file = generatedZone(dir, 30_000, "");

        ZoneLoadResult parallel = assertSameOnTwoThreads("big.example.", file);

        assertThat(parallel.ok()).isTrue();
        assertThat(parallel.files()).containsExactly(file, dir.resolve("glue.inc"));
        // Per name an A, every 7th written twice, every 11th with a second one of another TTL.
        assertThat(parallel.problems()).filteredOn(p -> p.message().startsWith("duplicate record ignored"))
                .hasSize((30_000 + 6) / 7);
        assertThat(parallel.problems()).filteredOn(p -> p.message().startsWith("TTL 60 differs"))
                .hasSize((30_000 + 10) / 11);
        assertThat(parallel.problems()).filteredOn(p -> p.message().startsWith("missing glue"))
                .singleElement().satisfies(p -> assertThat(p.line()).isPositive());
    }

    @Test
    void syntaxErrorLateInALargeZoneIsReportedAtItsLineOnTwoThreads(@TempDir Path dir) throws IOException {
        Path file = generatedZone(dir, 30_000, "bad A not-an-address\n");
        int badLine = Files.readAllLines(file).indexOf("bad A not-an-address") + 1;

        ZoneLoadResult parallel = assertSameOnTwoThreads("big.example.", file);

        assertThat(parallel.ok()).isFalse();
        assertThat(parallel.problems()).filteredOn(ZoneProblem::isError).singleElement()
                .satisfies(p -> assertThat(p.format()).startsWith(file + ":" + badLine + ": "));
    }

    /** Loads the file both ways, asserts the results are the same, and returns the one of two threads. */
    private static ZoneLoadResult assertSameOnTwoThreads(String origin, Path file) {
        ZoneLoadResult single = ZoneLoader.load(name(origin), file, false);
        ZoneLoadResult parallel = ZoneLoader.load(name(origin), file, true);

        assertThat(parallel.problems()).isEqualTo(single.problems());
        assertThat(parallel.files()).isEqualTo(single.files());
        assertThat(parallel.ok()).isEqualTo(single.ok());
        if (single.ok()) {
            assertThat(parallel.zone().serial()).isEqualTo(single.zone().serial());
            assertThat(parallel.zone().recordCount()).isEqualTo(single.zone().recordCount());
            assertThat(contents(parallel.zone())).isEqualTo(contents(single.zone()));
        }
        return parallel;
    }

    /** Every node, its owner in the file's letter case, and its RRsets in wire form, sorted. */
    private static List<String> contents(Zone zone) {
        List<String> nodes = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (Node node : zone.nodes()) {
            StringBuilder sb = new StringBuilder(hex.formatHex(node.owner()));
            sb.append(node.isZoneCut() ? " cut" : "");
            for (RRset rrset : node.rrsets()) {
                sb.append(' ').append(rrset.type()).append('/').append(rrset.ttl()).append('/').append(rrset.size())
                        .append('/').append(hex.formatHex(rrset.data()));
            }
            nodes.add(sb.toString());
        }
        nodes.sort(null);
        return nodes;
    }

    /**
     * A zone of {@code names} names in mixed letter case, with duplicates, differing TTLs, AAAAs,
     * delegations whose glue comes from an included file (one missing), and {@code tail} at the end.
     */
    private static Path generatedZone(Path dir, int names, String tail) throws IOException {
        StringBuilder zone = new StringBuilder("""
                $ORIGIN big.example.
                $TTL 3600
                @ SOA ns1 hostmaster 1 7200 3600 1209600 300
                @ NS ns1
                ns1 A 192.0.2.1
                """);
        StringBuilder glue = new StringBuilder();
        for (int i = 0; i < names; i++) {
            String owner = (i % 3 == 0 ? "Host" : "host") + i;
            String address = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
            zone.append(owner).append(" A ").append(address).append('\n');
            if (i % 7 == 0) {
                zone.append("HOST").append(i).append(" 60 A ").append(address).append('\n');
            }
            if (i % 11 == 0) {
                zone.append(owner).append(" 60 A 192.0.2.").append(i % 250).append('\n');
            }
            if (i % 5 == 0) {
                zone.append(owner).append(" AAAA 2001:db8::").append(Integer.toHexString(i)).append('\n');
            }
            if (i % 100 == 0) {
                zone.append("zone").append(i).append(" NS ns.zone").append(i).append('\n');
                if (i != 500) {
                    glue.append("ns.zone").append(i).append(" A ").append(address).append('\n');
                }
            }
        }
        Files.writeString(dir.resolve("glue.inc"), glue);
        zone.append("$INCLUDE glue.inc\n").append(tail);
        return Files.writeString(dir.resolve("big.example.zone"), zone);
    }
}
