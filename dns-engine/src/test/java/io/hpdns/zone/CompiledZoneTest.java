package io.hpdns.zone;

import static io.hpdns.query.EngineFixture.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.query.AnswerCompiler;
import io.hpdns.query.EngineFixture;
import io.hpdns.query.QueryBattery;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The compiled layout holds the zone as loaded: node for node in the same order, each owner name
 * as written and lowercased, zone cut and empty non-terminal, each RRset's type, TTL and records
 * octet for octet; every node found by its name through the index and no other name found; the
 * apex, its SOA and what is derived from it. Compiling the answers changes nothing else. The
 * layout passes its own structural check.
 */
class CompiledZoneTest {

    @TempDir
    Path dir;

    @Test
    void engineTestZonesAreHeldNodeForNode() {
        EngineFixture.exampleAndTestZones().forEach((origin, file) -> {
            Zone zone = load(origin, file);
            assertHolds(CompiledZoneWriter.write(zone), zone);
            assertHolds(AnswerCompiler.compile(zone), zone);
        });
    }

    @Test
    void generatedZoneOfTensOfThousandsOfNamesIsHeldNodeForNode() throws IOException {
        Path file = dir.resolve("gen.test.zone");
        QueryBattery.writeGeneratedZone(file, 24_000);
        Zone zone = load("gen.test.", file);
        assertThat(zone.nodes()).as("names in lowercase").anyMatch(n -> n.owner() == n.key());
        assertThat(zone.nodes()).as("names in mixed case").anyMatch(n -> n.owner() != n.key());

        assertHolds(AnswerCompiler.compile(zone), zone);
    }

    @Test
    void namesNotInTheZoneAreNotFound() throws IOException {
        Path file = dir.resolve("gen.test.zone");
        QueryBattery.writeGeneratedZone(file, 2_400);
        CompiledZone compiled = AnswerCompiler.compile(load("gen.test.", file));

        for (int i = 0; i < 10_000; i++) {
            byte[] key = Name.fromConstantString("absent" + i + ".gen.test.").toWireCanonical();
            assertThat(compiled.node(key, 0, key.length)).isEqualTo(CompiledZone.NONE);
        }
    }

    private static Zone load(String origin, Path file) {
        ZoneLoadResult result = ZoneLoader.load(name(origin), file);
        assertThat(result.problems()).noneMatch(ZoneProblem::isError);
        return result.zone();
    }

    private static void assertHolds(CompiledZone compiled, Zone zone) {
        CompiledZone.check(compiled.layout());
        assertThat(compiled.origin().toString()).isEqualTo(zone.origin().toString());
        assertThat(compiled.originLabels()).isEqualTo(zone.originLabels());
        assertThat(compiled.serial()).isEqualTo(zone.serial());
        assertThat(compiled.negativeTtl()).isEqualTo(zone.negativeTtl());
        assertThat(compiled.recordCount()).isEqualTo(zone.recordCount());
        assertThat(compiled.nodeCount()).isEqualTo(zone.nodes().size());
        List<Node> nodes = zone.nodes();
        long node = compiled.firstNode();
        for (int i = 0; i < nodes.size(); i++, node = compiled.nextNode(node)) {
            Node expected = nodes.get(i);
            assertThat(describe(compiled, node)).as("node %d", i).isEqualTo(describe(expected));
            assertThat(compiled.node(expected.key(), 0, expected.key().length)).as("node %d by its name", i)
                    .isEqualTo(node);
            assertThat(node == compiled.apex()).as("node %d is the apex", i).isEqualTo(expected == zone.apex());
        }
        assertThat(node).as("the nodes end where the index starts").isEqualTo(compiled.nodesEnd());
        assertThat(compiled.soa()).isEqualTo(compiled.rrset(compiled.apex(), Type.SOA));
    }

    private static String describe(Node node) {
        HexFormat hex = HexFormat.of();
        StringBuilder s = new StringBuilder(hex.formatHex(node.owner())).append(" key ").append(hex.formatHex(node.key()))
                .append(" cut ").append(node.isZoneCut()).append(" empty ").append(node.isEmptyNonTerminal());
        for (RRset rrset : node.rrsets()) {
            s.append(" | type ").append(rrset.type()).append(" ttl ").append(rrset.ttl()).append(" size ")
                    .append(rrset.size()).append(' ').append(hex.formatHex(rrset.data()));
        }
        return s.toString();
    }

    private static String describe(CompiledZone zone, long node) {
        HexFormat hex = HexFormat.of();
        byte[] owner = new byte[zone.ownerLength(node)];
        zone.copyOwner(node, owner, 0);
        byte[] key = new byte[zone.ownerLength(node)];
        zone.copyNameLower(zone.key(node), key, 0);
        StringBuilder s = new StringBuilder(hex.formatHex(owner)).append(" key ").append(hex.formatHex(key))
                .append(" cut ").append(zone.isZoneCut(node)).append(" empty ").append(zone.isEmptyNonTerminal(node));
        long rrset = zone.firstRRset(node);
        for (int i = zone.rrsetCount(node); i > 0; i--, rrset = zone.nextRRset(rrset)) {
            byte[] data = new byte[zone.recordsLength(rrset)];
            zone.copyRecords(rrset, data, 0);
            s.append(" | type ").append(zone.type(rrset)).append(" ttl ").append(zone.ttl(rrset)).append(" size ")
                    .append(zone.size(rrset)).append(' ').append(hex.formatHex(data));
        }
        return s.toString();
    }
}
