package io.hpdns.zone;

import static io.hpdns.query.EngineFixture.name;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated zone of tens of thousands of names (over a megabyte, read in several parts), in mixed
 * letter case, with duplicates, differing TTLs and an included file: every problem is reported with its file and line, and a fault late
 * in the file is found after all the records before it.
 */
class LargeZoneLoadTest {

    @Test
    void zoneOfManyRecordsLoadsWithEveryWarningAtItsLine(@TempDir Path dir) throws IOException {
        Path file = generatedZone(dir, 30_000, "");
        assertThat(Files.size(file)).as("larger than the scanner reads at once (1 MiB)").isGreaterThan(1 << 20);

        ZoneLoadResult result = ZoneLoader.load(name("big.example."), file);

        assertThat(result.ok()).isTrue();
        assertThat(result.files()).containsExactly(file, dir.resolve("glue.inc"));
        // Per name an A, every 7th written twice, every 11th with a second one of another TTL.
        assertThat(result.problems()).filteredOn(p -> p.message().startsWith("duplicate record ignored"))
                .hasSize((30_000 + 6) / 7);
        assertThat(result.problems()).filteredOn(p -> p.message().startsWith("TTL 60 differs"))
                .hasSize((30_000 + 10) / 11);
        assertThat(result.problems()).filteredOn(p -> p.message().startsWith("missing glue"))
                .singleElement().satisfies(p -> assertThat(p.line()).isPositive());
        // Names: the apex, ns1, 30,000 hosts, 300 delegations and their 299 glue names.
        assertThat(contents(result.zone())).hasSize(2 + 30_000 + 300 + 299);
    }

    @Test
    void syntaxErrorLateInALargeZoneIsReportedAtItsLine(@TempDir Path dir) throws IOException {
        Path file = generatedZone(dir, 30_000, "bad A not-an-address\n");
        int badLine = Files.readAllLines(file).indexOf("bad A not-an-address") + 1;

        ZoneLoadResult result = ZoneLoader.load(name("big.example."), file);

        assertThat(result.ok()).isFalse();
        assertThat(result.problems()).filteredOn(ZoneProblem::isError).singleElement()
                .satisfies(p -> assertThat(p.format()).startsWith(file + ":" + badLine + ": "));
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
