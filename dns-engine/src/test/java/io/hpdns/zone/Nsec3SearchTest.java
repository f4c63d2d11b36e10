package io.hpdns.zone;

import static io.hpdns.query.EngineFixture.name;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.Name;
import org.xbill.DNS.utils.base32;

/**
 * The searches of a compiled NSEC3 zone find what a walk over the chain finds: the NSEC3 covering
 * or matching any hash, including those before the first owner and after the last (RFC 5155
 * §3.1.7) and those whose first digits are an owner's, and each node's own NSEC3 among the entries
 * of the nodes; the layout check refuses chain heads that are not their owners'.
 * A zone of several thousand names, one in three without an NSEC3 of its own (as opt-out leaves
 * delegations), so that names are covered as well as matched.
 */
class Nsec3SearchTest {

    private static final base32 BASE32HEX = new base32(base32.Alphabet.BASE32HEX, false, true);
    private static final int NAMES = 6_000;

    @TempDir
    Path dir;

    @Test
    void everyHashIsCoveredByTheOwnerAWalkFinds() throws IOException {
        Fixture fixture = fixture();
        Random random = new Random(5155);
        byte[] hash = new byte[20];
        for (int i = 0; i < 50_000; i++) {
            random.nextBytes(hash);
            String digits = BASE32HEX.toString(hash);
            assertThat(hashOf(fixture.zone, fixture.zone.nsec3Covering(label(digits))))
                    .as("hash %s", digits).isEqualTo(fixture.covering(digits));
        }
        for (String owner : fixture.hashes) {
            assertThat(hashOf(fixture.zone, fixture.zone.nsec3Covering(label(owner)))).isEqualTo(owner);
            // The same head as an owner's (its first eight digits), the label before or after it.
            for (String sameHead : List.of(owner.substring(0, 8) + "0".repeat(24), owner.substring(0, 8) + "v".repeat(24))) {
                assertThat(hashOf(fixture.zone, fixture.zone.nsec3Covering(label(sameHead))))
                        .as("hash %s", sameHead).isEqualTo(fixture.covering(sameHead));
            }
        }
    }

    @Test
    void aChainHeadThatIsNotItsOwnersIsMalformed() throws IOException {
        CompiledZone zone = fixture().zone;
        MemorySegment layout = MemorySegment.ofArray(zone.layout().toArray(JAVA_BYTE));
        CompiledZone.check(layout);
        long head = layout.get(CompiledZone.U64, CompiledZone.DENIAL_CHAIN) + 8L * (zone.denialCount() + 17);

        layout.set(CompiledZone.U64, head, layout.get(CompiledZone.U64, head) + 1);

        assertThatThrownBy(() -> CompiledZone.check(layout)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an NSEC3 chain head that is not its owner's (offset " + head + ")");
    }

    @Test
    void everyNodeFindsItsOwnNsec3OrTheOneCoveringIt() throws IOException {
        Fixture fixture = fixture();
        CompiledZone zone = fixture.zone;
        int matched = 0;
        for (long node = zone.firstNode(); node < zone.nodesEnd(); node = zone.nextNode(node)) {
            String digits = digits(hash(new Name(zone.ownerName(node))));
            long matching = zone.nsec3Matching(node);
            if (fixture.hashes.contains(digits)) {
                assertThat(hashOf(zone, matching)).isEqualTo(digits);
                matched++;
            } else {
                assertThat(matching).isEqualTo(CompiledZone.NONE);
                assertThat(hashOf(zone, zone.nsec3Covering(node))).isEqualTo(fixture.covering(digits));
            }
        }
        assertThat(matched).isBetween(NAMES / 2, NAMES);
    }

    private record Fixture(CompiledZone zone, List<String> hashes) {
        /** The last owner's hash sorting before or equal to {@code digits}, or the last of all. */
        String covering(String digits) {
            int i = Collections.binarySearch(hashes, digits);
            if (i >= 0) {
                return hashes.get(i);
            }
            int insertion = -i - 1;
            return hashes.get(insertion == 0 ? hashes.size() - 1 : insertion - 1);
        }
    }

    private Fixture fixture() throws IOException {
        StringBuilder text = new StringBuilder("""
                $ORIGIN chain.test.
                $TTL 300
                @ SOA ns hostmaster 1 3600 900 604800 300
                @ NS ns
                @ NSEC3PARAM 1 0 0 -
                ns A 192.0.2.1
                """);
        List<String> names = new ArrayList<>(List.of("chain.test.", "ns.chain.test."));
        for (int i = 0; i < NAMES; i++) {
            text.append("h").append(i).append(" A 192.0.2.").append(i % 250 + 1).append('\n');
            names.add("h" + i + ".chain.test.");
        }
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (i % 3 != 2) {
                hashes.add(digits(hash(Name.fromString(names.get(i)))));
            }
        }
        Collections.sort(hashes);
        for (int i = 0; i < hashes.size(); i++) {
            text.append(hashes.get(i)).append(" NSEC3 1 0 0 - ")
                    .append(hashes.get((i + 1) % hashes.size())).append(" A\n");
        }
        Path file = dir.resolve("chain.test.zone");
        Files.writeString(file, text);
        ZoneLoadResult loaded = ZoneLoader.load(name("chain.test."), file);
        assertThat(loaded.problems()).noneMatch(ZoneProblem::isError);
        CompiledZone zone = CompiledZoneWriter.write(loaded.zone());
        assertThat(zone.nsec3()).isNotNull();
        assertThat(zone.denialCount()).isEqualTo(hashes.size());
        return new Fixture(zone, hashes);
    }

    /** SHA-1, no extra iterations, no salt: as dnsjava hashes. */
    private static byte[] hash(Name name) {
        try {
            return new NSEC3PARAMRecord(Name.root, DClass.IN, 0, NSEC3Record.SHA1_DIGEST_ID, 0, 0, new byte[0])
                    .hashName(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digits(byte[] hash) {
        return BASE32HEX.toString(hash);
    }

    private static MemorySegment label(String digits) {
        byte[] label = new byte[Nsec3Hash.LABEL];
        label[0] = (byte) (Nsec3Hash.LABEL - 1);
        System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, label, 1, Nsec3Hash.LABEL - 1);
        return MemorySegment.ofArray(label);
    }

    /** The hash of an NSEC3 owner: its first label. */
    private static String hashOf(CompiledZone zone, long owner) {
        byte[] wire = zone.ownerName(owner);
        return new String(wire, 1, wire[0], StandardCharsets.US_ASCII).toLowerCase();
    }
}
