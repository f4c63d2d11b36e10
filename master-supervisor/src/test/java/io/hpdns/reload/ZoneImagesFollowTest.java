package io.hpdns.reload;

import static io.hpdns.reload.ZoneReloaderTest.zone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.hpdns.conf.ZoneConfig;
import io.hpdns.xfr.ZoneJournals;
import io.hpdns.zone.UnavailableZone;
import io.hpdns.zone.CompiledZone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * The compiler reads the zone files and writes their images and the manifest; every worker follows
 * it from the images and serves exactly what it built, whatever happens to the files meanwhile.
 */
class ZoneImagesFollowTest {

    @TempDir
    Path dir;

    private final List<ZoneConfig> configured = new ArrayList<>();

    private Path images() {
        return dir.resolve("hpdns.sock.state");
    }

    /** The compiler, and a worker that follows each of its compiles at once. */
    private CompileAndFollow compilerAndWorker() {
        return new CompileAndFollow(images(), () -> List.copyOf(configured));
    }

    /** Another worker, which follows when told to. */
    private ZoneReloader worker() throws Exception {
        Files.createDirectories(images());
        return new ZoneReloader(() -> List.copyOf(configured), Clock.systemUTC(), NewSerialListener.NONE,
                new ZoneJournals(ZoneJournals.DEFAULT_DEPTH), new ZoneImages(images()));
    }

    private record Workers(CompileAndFollow first, ZoneReloader second) {}

    /** Two workers serving the configured zones, as the compiler's first compile built them. */
    private Workers twoWorkers() throws Exception {
        CompileAndFollow first = compilerAndWorker();
        first.loadInitial();
        ZoneReloader second = worker();
        assertThat(second.followInitial().ok()).isTrue();
        return new Workers(first, second);
    }

    private ZoneConfig write(String origin, String text) throws Exception {
        Path file = dir.resolve(origin + "zone");
        Files.writeString(file, text);
        return new ZoneConfig(Name.fromString(origin), file);
    }

    private static CompiledZone served(ZoneReloader reloader, String origin) throws Exception {
        for (CompiledZone zone : reloader.holder().get().zones()) {
            if (zone.origin().equals(Name.fromString(origin))) {
                return zone;
            }
        }
        return null;
    }

    /** The address of www in the served zone, read from the node the query path answers from. */
    private static String www(ZoneReloader reloader, String origin) throws Exception {
        return ZoneReloaderTest.wwwAddress(served(reloader, origin));
    }

    private List<String> imageFiles() throws Exception {
        try (Stream<Path> files = Files.list(images())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".zimg")).sorted().toList();
        }
    }

    @Test
    void workerStartingLaterServesWhatTheCompilerBuiltFromItsImage() throws Exception {
        configured.add(write("example.com.", zone("example.com.", 7, "192.0.2.10")));
        CompileAndFollow first = compilerAndWorker();
        assertThat(first.loadInitial().ok()).isTrue();

        ZoneReloader second = worker();
        ReloadReport follower = second.followInitial();

        assertThat(follower.ok()).isTrue();
        assertThat(served(second, "example.com.").serial()).isEqualTo(7);
        assertThat(www(second, "example.com.")).isEqualTo("192.0.2.10");
        CompiledZone followed = served(second, "example.com.");
        assertThat(followed.answersAt(followed.apex())).as("answers compiled by the compiler").isNotNegative();
        assertThat(second.served().getFirst().image()).isEqualTo(first.worker().served().getFirst().image())
                .isNotNull();
    }

    @Test
    void fileEditedAfterTheCompileIsNotSeenByTheWorkers() throws Exception {
        ZoneConfig com = write("example.com.", zone("example.com.", 1, "192.0.2.1"));
        configured.add(com);
        Workers workers = twoWorkers();
        CompileAndFollow first = workers.first();
        ZoneReloader second = workers.second();

        write("example.com.", zone("example.com.", 2, "192.0.2.2"));
        first.reloadAll();
        write("example.com.", zone("example.com.", 3, "192.0.2.3"));
        ReloadReport followed = second.follow();

        assertThat(followed.zones()).singleElement()
                .satisfies(z -> assertThat(z.kind()).isEqualTo(ZoneOutcome.Kind.LOADED));
        assertThat(served(second, "example.com.").serial()).isEqualTo(2);
        assertThat(www(second, "example.com.")).isEqualTo("192.0.2.2");
        // Following again changes nothing: the same image is served already.
        assertThat(second.follow().zones()).singleElement()
                .satisfies(z -> assertThat(z.kind()).isEqualTo(ZoneOutcome.Kind.UNCHANGED));
    }

    @Test
    void zoneThatFailsToReloadKeepsItsImageForTheOthers() throws Exception {
        ZoneConfig com = write("example.com.", zone("example.com.", 1, "192.0.2.1"));
        configured.add(com);
        Workers workers = twoWorkers();
        CompileAndFollow first = workers.first();
        ZoneReloader second = workers.second();

        Files.writeString(com.file(), zone("example.com.", 2, "192.0.2.2") + "bad A 999.1.1.1\n");
        assertThat(first.reloadAll().ok()).isFalse();
        ReloadReport followed = second.follow();

        assertThat(followed.ok()).isTrue();
        assertThat(followed.zones()).singleElement()
                .satisfies(z -> assertThat(z.kind()).isEqualTo(ZoneOutcome.Kind.UNCHANGED));
        assertThat(served(second, "example.com.").serial()).isEqualTo(1);
        assertThat(second.served().getFirst().lastError()).as("for ctl status").startsWith(com.file() + ":7: ");
    }

    @Test
    void zoneAddedOrRemovedByTheCompilerIsAddedOrRemovedByTheWorkers() throws Exception {
        configured.add(write("example.com.", zone("example.com.", 1, "192.0.2.1")));
        configured.add(write("example.net.", zone("example.net.", 1, "192.0.2.1")));
        Workers workers = twoWorkers();
        CompileAndFollow first = workers.first();
        ZoneReloader second = workers.second();

        configured.removeFirst();
        configured.add(write("example.org.", zone("example.org.", 5, "192.0.2.5")));
        first.reloadAll();
        ReloadReport followed = second.follow();

        assertThat(followed.zones()).extracting(ZoneOutcome::zone, ZoneOutcome::kind).containsExactly(
                tuple(Name.fromString("example.net."), ZoneOutcome.Kind.UNCHANGED),
                tuple(Name.fromString("example.org."), ZoneOutcome.Kind.LOADED),
                tuple(Name.fromString("example.com."), ZoneOutcome.Kind.REMOVED));
        assertThat(served(second, "example.com.")).isNull();
        assertThat(www(second, "example.org.")).isEqualTo("192.0.2.5");
    }

    @Test
    void unreadableImageFailsTheFollowerWhichKeepsItsOldData() throws Exception {
        configured.add(write("example.com.", zone("example.com.", 1, "192.0.2.1")));
        Workers workers = twoWorkers();
        CompileAndFollow first = workers.first();
        ZoneReloader second = workers.second();

        write("example.com.", zone("example.com.", 2, "192.0.2.2"));
        first.reloadAll();
        Path image = first.worker().served().getFirst().image();
        byte[] bytes = Files.readAllBytes(image);
        bytes[bytes.length / 2] ^= 0x5a;
        ImageFiles.replace(image, bytes);
        ReloadReport followed = second.follow();

        assertThat(followed.ok()).isFalse();
        assertThat(followed.errors()).singleElement().asString().startsWith("zone example.com.: cannot map its image: " + image + ": ");
        assertThat(served(second, "example.com.").serial()).isEqualTo(1);
    }

    @Test
    void imagesNamedByNeitherTheManifestNorTheOneBeforeAreDeleted() throws Exception {
        configured.add(write("example.com.", zone("example.com.", 1, "192.0.2.1")));
        CompileAndFollow first = compilerAndWorker();
        first.loadInitial();
        String one = first.worker().served().getFirst().image().getFileName().toString();
        write("example.com.", zone("example.com.", 2, "192.0.2.2"));
        first.reloadAll();
        String two = first.worker().served().getFirst().image().getFileName().toString();
        assertThat(imageFiles()).containsExactlyInAnyOrder(one, two);

        write("example.com.", zone("example.com.", 3, "192.0.2.3"));
        first.reloadAll();
        String three = first.worker().served().getFirst().image().getFileName().toString();

        assertThat(imageFiles()).containsExactlyInAnyOrder(two, three);
    }

    @Test
    void workerWithoutManifestServesNothingAndSaysSo() throws Exception {
        configured.add(write("example.com.", zone("example.com.", 1, "192.0.2.1")));
        ZoneReloader alone = worker();

        ReloadReport followed = alone.followInitial();

        assertThat(followed.ok()).isFalse();
        assertThat(followed.errors()).singleElement().asString().startsWith("no zone manifest in " + images());
        assertThat(alone.holder().get().zones()).isEmpty();
    }

    @Test
    void zoneThatFailsAtStartIsUnservedByEveryWorkerUntilAReloadLoadsIt() throws Exception {
        configured.add(write("example.com.", zone("example.com.", 1, "192.0.2.1")));
        ZoneConfig broken = write("example.net.", zone("example.net.", 1, "192.0.2.1") + "www2 A not-an-address\n");
        configured.add(broken);

        CompileAndFollow first = compilerAndWorker();
        ReloadReport compiled = first.loadInitial();
        ZoneReloader second = worker();
        ReloadReport follower = second.followInitial();

        assertThat(compiled.errors()).singleElement().asString().startsWith(broken.file() + ":7: ");
        assertThat(follower.ok()).isTrue();
        for (ZoneReloader worker : List.of(first.worker(), second)) {
            assertThat(www(worker, "example.com.")).isEqualTo("192.0.2.1");
            assertThat(worker.holder().get().unavailable()).extracting(UnavailableZone::origin)
                    .containsExactly(Name.fromString("example.net."));
            assertThat(worker.unserved()).singleElement()
                    .satisfies(z -> assertThat(z.reason()).startsWith(broken.file() + ":7: "));
        }

        write("example.net.", zone("example.net.", 2, "192.0.2.2"));
        assertThat(first.reload(Name.fromString("example.net.")).ok()).isTrue();
        assertThat(second.follow().ok()).isTrue();

        for (ZoneReloader worker : List.of(first.worker(), second)) {
            assertThat(www(worker, "example.net.")).isEqualTo("192.0.2.2");
            assertThat(worker.holder().get().unavailable()).isEmpty();
            assertThat(worker.unserved()).isEmpty();
        }
    }
}
