package io.hpdns.reload;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.conf.ConfigException;
import io.hpdns.conf.ConfigProblem;
import io.hpdns.conf.ZoneConfig;
import io.hpdns.zone.CompiledZone;
import io.hpdns.zone.ServingState;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Reloading zones beside the served ones, compiled then followed: all or nothing per zone,
 * unchanged files not rebuilt.
 */
class ZoneReloaderTest {

    @TempDir
    Path dir;

    private final List<ZoneConfig> configured = new ArrayList<>();
    private ConfigException configError;
    private CompileAndFollow reloader;

    @BeforeEach
    void start() {
        reloader = new CompileAndFollow(dir.resolve("state"), this::zoneList);
    }

    private List<ZoneConfig> zoneList() throws ConfigException {
        if (configError != null) {
            throw configError;
        }
        return List.copyOf(configured);
    }

    static String zone(String origin, long serial, String wwwAddress) {
        return "$ORIGIN " + origin + "\n$TTL 300\n"
                + "@ SOA ns1 hostmaster " + serial + " 3600 600 86400 300\n"
                + "@ NS ns1\nns1 A 192.0.2.1\nwww A " + wwwAddress + "\n";
    }

    private ZoneConfig write(String origin, String text) throws Exception {
        Path file = dir.resolve(origin + "zone");
        Files.writeString(file, text);
        return new ZoneConfig(Name.fromString(origin), file);
    }

    /** The address of www in a served zone, read from its layout as the query path reads it. */
    static String wwwAddress(CompiledZone zone) throws Exception {
        byte[] key = Name.fromString("www", zone.origin()).toWireCanonical();
        long a = zone.rrset(zone.node(key, 0, key.length), Type.A);
        byte[] records = new byte[zone.recordsLength(a)];
        zone.copyRecords(a, records, 0);
        return InetAddress.getByAddress(Arrays.copyOfRange(records, 2, 6)).getHostAddress();
    }

    private CompiledZone served(String origin) throws Exception {
        for (CompiledZone zone : reloader.worker().holder().get().zones()) {
            if (zone.origin().equals(Name.fromString(origin))) {
                return zone;
            }
        }
        return null;
    }

    @Test
    void changedZoneIsPublishedWhenReloadReturns() throws Exception {
        configured.add(write("example.com.", zone("example.com.", 1, "192.0.2.10")));
        assertThat(reloader.loadInitial().ok()).isTrue();

        write("example.com.", zone("example.com.", 2, "192.0.2.20"));
        ReloadReport report = reloader.reloadAll();

        assertThat(report.ok()).isTrue();
        assertThat(report.zones()).singleElement().satisfies(z -> assertThat(z.kind()).isEqualTo(ZoneOutcome.Kind.LOADED));
        assertThat(served("example.com.").serial()).isEqualTo(2);
    }

    @Test
    void brokenZoneKeepsItsOldDataAndReportsFileAndLine() throws Exception {
        ZoneConfig config = write("example.com.", zone("example.com.", 1, "192.0.2.10"));
        configured.add(config);
        reloader.loadInitial();
        CompiledZone before = served("example.com.");

        Files.writeString(config.file(), zone("example.com.", 2, "192.0.2.10") + "bad A 999.1.1.1\n");
        ReloadReport report = reloader.reloadAll();

        assertThat(report.ok()).isFalse();
        assertThat(report.failedZones()).isEqualTo(1);
        assertThat(report.errors()).singleElement().asString().startsWith(config.file() + ":7: ");
        assertThat(served("example.com.")).isSameAs(before);
        assertThat(reloader.worker().served().getFirst().lastError()).startsWith(config.file() + ":7: ");
    }

    @Test
    void zoneWhoseFilesDidNotChangeIsNotRebuilt() throws Exception {
        configured.add(write("example.com.", zone("example.com.", 1, "192.0.2.10")));
        configured.add(write("example.net.", zone("example.net.", 1, "192.0.2.10")));
        reloader.loadInitial();
        CompiledZone com = served("example.com.");
        CompiledZone net = served("example.net.");

        write("example.net.", zone("example.net.", 1, "192.0.2.99"));
        ReloadReport report = reloader.reloadAll();

        assertThat(report.zones()).extracting(ZoneOutcome::kind)
                .containsExactly(ZoneOutcome.Kind.UNCHANGED, ZoneOutcome.Kind.LOADED);
        assertThat(served("example.com.")).isSameAs(com);
        // Same serial, new content: the content decides, not the serial.
        assertThat(served("example.net.")).isNotSameAs(net);
    }

    @Test
    void changeInAnIncludedFileRebuildsTheZone() throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "www A 192.0.2.10\n");
        configured.add(write("example.com.", "$ORIGIN example.com.\n$TTL 300\n"
                + "@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\n$INCLUDE " + hosts + "\n"));
        reloader.loadInitial();
        CompiledZone before = served("example.com.");
        assertThat(reloader.reloadAll().zones().getFirst().kind()).isEqualTo(ZoneOutcome.Kind.UNCHANGED);

        Files.writeString(hosts, "www A 192.0.2.20\n");

        assertThat(reloader.reloadAll().zones().getFirst().kind()).isEqualTo(ZoneOutcome.Kind.LOADED);
        assertThat(served("example.com.")).isNotSameAs(before);
    }

    @Test
    void zonesAddedToAndRemovedFromTheConfigurationAreServedAndDropped() throws Exception {
        configured.add(write("example.com.", zone("example.com.", 1, "192.0.2.10")));
        reloader.loadInitial();

        configured.clear();
        configured.add(write("example.net.", zone("example.net.", 5, "192.0.2.10")));
        ReloadReport report = reloader.reloadAll();

        assertThat(report.zones()).extracting(ZoneOutcome::kind)
                .containsExactly(ZoneOutcome.Kind.LOADED, ZoneOutcome.Kind.REMOVED);
        assertThat(served("example.com.")).isNull();
        assertThat(served("example.net.").serial()).isEqualTo(5);
    }

    @Test
    void configurationErrorChangesNothing() throws Exception {
        configured.add(write("example.com.", zone("example.com.", 1, "192.0.2.10")));
        reloader.loadInitial();
        ServingState before = reloader.worker().holder().get();

        configError = new ConfigException(List.of(new ConfigProblem("hpdns.yaml", 3, "unknown key \"zone\"")));
        ReloadReport report = reloader.reloadAll();

        assertThat(report.errors()).containsExactly("hpdns.yaml:3: unknown key \"zone\"");
        assertThat(reloader.worker().holder().get()).isSameAs(before);
    }

    @Test
    void reloadOfOneZoneLeavesTheOthersAlone() throws Exception {
        ZoneConfig com = write("example.com.", zone("example.com.", 1, "192.0.2.10"));
        ZoneConfig net = write("example.net.", zone("example.net.", 1, "192.0.2.10"));
        configured.addAll(List.of(com, net));
        reloader.loadInitial();

        write("example.com.", zone("example.com.", 2, "192.0.2.10"));
        write("example.net.", zone("example.net.", 2, "192.0.2.10"));
        ReloadReport report = reloader.reload(Name.fromString("example.net."));

        assertThat(report.zones()).singleElement().satisfies(z -> assertThat(z.zone()).isEqualTo(net.name()));
        assertThat(served("example.net.").serial()).isEqualTo(2);
        assertThat(served("example.com.").serial()).isEqualTo(1);
        assertThat(reloader.reload(Name.fromString("example.org.")).errors()).singleElement().asString()
                .startsWith("example.org.: not a configured zone");
    }
}
