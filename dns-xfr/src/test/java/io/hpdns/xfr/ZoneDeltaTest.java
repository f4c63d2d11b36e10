package io.hpdns.xfr;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.CompiledZoneWriter;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The change between two versions of a zone, computed on the loaded zones, is the set difference
 * of their records as dnsjava parses the two files (RFC 1995 §4: a zone is a set of RRs, the TTL
 * included), whatever was edited: records added or removed, names added or removed, rdata and
 * TTLs changed, owners written in another letter case; and compared at the changed names alone (as
 * for an image patched from the other), it is the same.
 */
class ZoneDeltaTest {
    private static final Name ORIGIN = Name.fromConstantString("example.com.");
    private static final List<String> TYPES = List.of("A", "AAAA", "TXT", "MX");

    /** owner → type → TTL and the rdata texts. */
    private record RRsetModel(long ttl, Set<String> rdata) {}

    @Property(tries = 60)
    void deltaIsTheSetDifferenceOfTheRecords(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        Map<String, Map<String, RRsetModel>> before = randomZone(random);
        Map<String, Map<String, RRsetModel>> after = edited(before, random);
        String olderText = render(before, 1, random);
        String newerText = render(after, 2, random);

        ZoneDelta delta = ZoneDelta.between(load(olderText), load(newerText));

        Set<Entry> older = records(olderText);
        Set<Entry> newer = records(newerText);
        assertThat(entries(delta.deleted())).isEqualTo(difference(older, newer));
        assertThat(entries(delta.added())).isEqualTo(difference(newer, older));
        assertThat(delta.from().getSerial()).isEqualTo(1);
        assertThat(delta.to().getSerial()).isEqualTo(2);
    }

    @Property(tries = 40)
    void deltaAtTheChangedNamesIsTheWholeDelta(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        Map<String, Map<String, RRsetModel>> before = randomZone(random);
        Map<String, Map<String, RRsetModel>> after = edited(before, random);
        CompiledZone older = load(render(before, 1, random));
        CompiledZone newer = load(render(after, 2, random));
        List<byte[]> changed = new ArrayList<>();
        Set<String> owners = new HashSet<>(before.keySet());
        owners.addAll(after.keySet());
        for (String owner : owners) {
            if (!Objects.equals(before.get(owner), after.get(owner))) {
                changed.add(Name.fromString(owner, ORIGIN).canonicalize().toWire());
            }
        }

        ZoneDelta atNames = ZoneDelta.between(older, newer, changed);

        ZoneDelta whole = ZoneDelta.between(older, newer);
        assertThat(entries(atNames.deleted())).isEqualTo(entries(whole.deleted()));
        assertThat(entries(atNames.added())).isEqualTo(entries(whole.added()));
        assertThat(atNames.to().getSerial()).isEqualTo(2);
    }

    @Property(tries = 20)
    void sameZoneHasNoChange(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        String text = render(randomZone(random), 1, random);

        assertThat(ZoneDelta.between(load(text), load(text)).unchanged()).isTrue();
    }

    private static Map<String, Map<String, RRsetModel>> randomZone(Random random) {
        Map<String, Map<String, RRsetModel>> zone = new TreeMap<>();
        int names = 1 + random.nextInt(40);
        for (int i = 0; i < names; i++) {
            zone.put(randomOwner(random), randomNode(random));
        }
        return zone;
    }

    private static String randomOwner(Random random) {
        String[] labels = {"www", "mail", "a", "b", "c", "deep.a", "x.y.z", "host" + random.nextInt(50)};
        return labels[random.nextInt(labels.length)];
    }

    private static Map<String, RRsetModel> randomNode(Random random) {
        Map<String, RRsetModel> node = new TreeMap<>();
        for (String type : TYPES) {
            if (random.nextInt(3) == 0) {
                node.put(type, randomRRset(type, random));
            }
        }
        if (node.isEmpty()) {
            node.put("A", randomRRset("A", random));
        }
        return node;
    }

    private static RRsetModel randomRRset(String type, Random random) {
        Set<String> rdata = new TreeSet<>();
        int records = 1 + random.nextInt(4);
        for (int i = 0; i < records; i++) {
            rdata.add(randomRdata(type, random));
        }
        return new RRsetModel(60L * (1 + random.nextInt(5)), rdata);
    }

    private static String randomRdata(String type, Random random) {
        return switch (type) {
            case "A" -> "192.0.2." + random.nextInt(8);
            case "AAAA" -> "2001:db8::" + Integer.toHexString(random.nextInt(8));
            case "TXT" -> "\"text " + random.nextInt(8) + "\"";
            case "MX" -> (10 * random.nextInt(3)) + " mx" + random.nextInt(3);
            default -> throw new IllegalArgumentException(type);
        };
    }

    /** A copy of the zone with a few random edits. */
    private static Map<String, Map<String, RRsetModel>> edited(Map<String, Map<String, RRsetModel>> zone, Random random) {
        Map<String, Map<String, RRsetModel>> copy = new TreeMap<>();
        zone.forEach((owner, node) -> {
            Map<String, RRsetModel> types = new TreeMap<>();
            node.forEach((type, rrset) -> types.put(type, new RRsetModel(rrset.ttl(), new TreeSet<>(rrset.rdata()))));
            copy.put(owner, types);
        });
        int edits = random.nextInt(6);
        for (int i = 0; i < edits; i++) {
            List<String> owners = new ArrayList<>(copy.keySet());
            String owner = owners.get(random.nextInt(owners.size()));
            Map<String, RRsetModel> node = copy.get(owner);
            String type = new ArrayList<>(node.keySet()).get(random.nextInt(node.size()));
            RRsetModel rrset = node.get(type);
            switch (random.nextInt(6)) {
                case 0 -> copy.put(randomOwner(random), randomNode(random));
                case 1 -> {
                    if (copy.size() > 1) {
                        copy.remove(owner);
                    }
                }
                case 2 -> node.put(type, new RRsetModel(rrset.ttl() + 1, rrset.rdata()));
                case 3 -> rrset.rdata().add(randomRdata(type, random));
                case 4 -> {
                    if (rrset.rdata().size() > 1) {
                        rrset.rdata().remove(rrset.rdata().iterator().next());
                    }
                }
                default -> {
                    String other = TYPES.get(random.nextInt(TYPES.size()));
                    node.put(other, randomRRset(other, random));
                }
            }
        }
        return copy;
    }

    /** The zone as a master file, owners in a random letter case. */
    private static String render(Map<String, Map<String, RRsetModel>> zone, long serial, Random random) {
        StringBuilder text = new StringBuilder("$ORIGIN example.com.\n@ 300 SOA ns1 hostmaster " + serial
                + " 3600 600 86400 300\n@ 300 NS ns1\nns1 300 A 192.0.2.53\n");
        zone.forEach((owner, node) -> node.forEach((type, rrset) -> {
            for (String rdata : rrset.rdata()) {
                String written = random.nextBoolean() ? owner.toUpperCase() : owner;
                text.append(written).append(' ').append(rrset.ttl()).append(' ').append(type).append(' ')
                        .append(rdata).append('\n');
            }
        }));
        return text.toString();
    }

    private static CompiledZone load(String text) throws IOException {
        Path file = Files.createTempFile("zone-delta", ".zone");
        try {
            Files.writeString(file, text);
            ZoneLoadResult result = ZoneLoader.load(ORIGIN, file);
            assertThat(result.ok()).as("%s", result.problems()).isTrue();
            return CompiledZoneWriter.write(result.zone());
        } finally {
            Files.delete(file);
        }
    }

    /** dnsjava's {@link Record#equals} leaves the TTL out; the change must carry TTLs. */
    private record Entry(Record record, long ttl) {}

    /** The records dnsjava parses from the text, the SOA left out (the delta's two SOAs stand for it). */
    private static Set<Entry> records(String text) throws IOException {
        Set<Entry> records = new HashSet<>();
        try (Master master = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), ORIGIN)) {
            Record record;
            while ((record = master.nextRecord()) != null) {
                if (record.getType() != Type.SOA) {
                    records.add(new Entry(record, record.getTTL()));
                }
            }
        }
        return records;
    }

    private static Set<Entry> entries(List<Record> records) {
        Set<Entry> entries = new HashSet<>();
        for (Record record : records) {
            assertThat(entries.add(new Entry(record, record.getTTL()))).as("listed once: %s", record).isTrue();
        }
        return entries;
    }

    private static Set<Entry> difference(Set<Entry> from, Set<Entry> minus) {
        Set<Entry> difference = new HashSet<>(from);
        difference.removeAll(minus);
        return difference;
    }
}
