package io.hpdns.reload;

import static io.hpdns.reload.ZoneReloaderTest.zone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpdns.conf.ZoneConfig;
import io.hpdns.xfr.ZoneJournals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * A master that starts again takes each zone from the image its predecessor served, when the
 * zone's files are unchanged and the build is the same, and reads the files otherwise. Each "run"
 * here is what a master, its compiler and its first worker do: {@link ZoneImages#open} by the
 * master, the first compile, then the first follow by a new {@link ZoneReloader}.
 */
class WarmStartTest {
    private static final String BUILD = "build-1";

    @TempDir
    Path dir;

    private final List<ZoneConfig> configured = new ArrayList<>();

    private Path state() {
        return dir.resolve("state");
    }

    /** One run: the master opens the state directory, compiles, its first worker follows, the master stops. */
    private ZoneReloader run(String build) throws Exception {
        try (ZoneImages images = ZoneImages.open(state(), build)) {
            CompileAndFollow run = new CompileAndFollow(state(), () -> List.copyOf(configured));
            run.loadInitial();
            return run.worker();
        }
    }

    private Path write(String origin, String text) throws Exception {
        Path file = dir.resolve(origin + "zone");
        Files.writeString(file, text);
        return file;
    }

    /** example.com. with www at 192.0.2.1, serial 1, as the one configured zone. */
    private void configureExampleCom() throws Exception {
        configured.add(new ZoneConfig(Name.fromString("example.com."),
                write("example.com.", zone("example.com.", 1, "192.0.2.1"))));
    }

    private String servedImage() throws Exception {
        return new ZoneImages(state()).manifest().orElseThrow().getFirst().image().getFileName().toString();
    }

    private List<String> files() throws Exception {
        try (Stream<Path> files = Files.list(state())) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String www(ZoneReloader reloader) throws Exception {
        return ZoneReloaderTest.wwwAddress(reloader.holder().get().zones().getFirst());
    }

    @Test
    void unchangedZoneIsServedFromThePreviousRunsImage() throws Exception {
        configureExampleCom();
        run(BUILD);
        String image = servedImage();

        ZoneReloader again = run(BUILD);

        assertThat(servedImage()).as("the same image, not one written anew").isEqualTo(image);
        assertThat(www(again)).isEqualTo("192.0.2.1");
        assertThat(again.served().getFirst().lastError()).isNull();
        assertThat(files()).as("the warm start ends with the first manifest").doesNotContain(ZoneImages.WARM)
                .contains(ZoneImages.MANIFEST, image);
    }

    @Test
    void startWithEveryZoneUnchangedServesThePreviousImagesWithoutCompiling() throws Exception {
        configureExampleCom();
        configured.add(new ZoneConfig(Name.fromString("example.net."),
                write("example.net.", zone("example.net.", 3, "192.0.2.3"))));
        run(BUILD);
        List<ZoneImages.Entry> before = new ZoneImages(state()).manifest().orElseThrow();

        try (ZoneImages images = ZoneImages.open(state(), BUILD)) {
            ReloadReport report = new ZoneCompiler(images, 1).reuseWarm(configured);

            assertThat(report.zones()).extracting(ZoneOutcome::kind)
                    .containsExactly(ZoneOutcome.Kind.LOADED, ZoneOutcome.Kind.LOADED);
            assertThat(images.manifest().orElseThrow()).isEqualTo(before);
            assertThat(files()).doesNotContain(ZoneImages.WARM);
        }
    }

    /** A master starting finds a zone to compile: it publishes nothing, the warm start is the compiler's. */
    private void assertStartLeftToTheCompiler() throws Exception {
        try (ZoneImages images = ZoneImages.open(state(), BUILD)) {
            assertThat(new ZoneCompiler(images, 1).reuseWarm(configured)).isNull();
            assertThat(files()).contains(ZoneImages.WARM).doesNotContain(ZoneImages.MANIFEST);
        }
    }

    /** Flips bits near the end of the served image, replacing the file; returns its path. */
    private Path damageServedImage() throws Exception {
        Path image = state().resolve(servedImage());
        byte[] bytes = Files.readAllBytes(image);
        bytes[bytes.length - 10] ^= 0x55;
        ImageFiles.replace(image, bytes);
        return image;
    }

    @Test
    void startWithAZoneEditedCompilesAndPublishesNothingBeforeTheCompiler() throws Exception {
        configureExampleCom();
        run(BUILD);
        write("example.com.", zone("example.com.", 2, "192.0.2.2"));

        assertStartLeftToTheCompiler();
    }

    @Test
    void startWithADamagedImageLeavesItToTheCompiler() throws Exception {
        configureExampleCom();
        run(BUILD);
        damageServedImage();

        assertStartLeftToTheCompiler();
    }

    @Test
    void zoneEditedBetweenRunsIsReadFromItsFile() throws Exception {
        configureExampleCom();
        run(BUILD);
        String image = servedImage();
        // The same serial and length: only the content tells the edit.
        write("example.com.", zone("example.com.", 1, "192.0.2.2"));

        ZoneReloader again = run(BUILD);

        assertThat(www(again)).isEqualTo("192.0.2.2");
        assertThat(servedImage()).isNotEqualTo(image);
        assertThat(files()).as("the previous image is no longer named by any manifest").doesNotContain(image);
    }

    @Test
    void anotherBuildReadsTheFilesAndDeletesTheOldImages() throws Exception {
        configureExampleCom();
        run(BUILD);
        String image = servedImage();

        ZoneReloader again = run("build-2");

        assertThat(www(again)).isEqualTo("192.0.2.1");
        assertThat(servedImage()).isNotEqualTo(image);
        assertThat(files()).doesNotContain(image);
    }

    @Test
    void damagedImageOfThePreviousRunIsReplacedFromTheFile() throws Exception {
        configureExampleCom();
        run(BUILD);
        Path image = damageServedImage();

        ZoneReloader again = run(BUILD);

        assertThat(www(again)).isEqualTo("192.0.2.1");
        assertThat(servedImage()).isNotEqualTo(image.getFileName().toString());
    }

    @Test
    void startingMasterDeletesWhatNoManifestNamesAndKeepsTheDirectoryPrivate() throws Exception {
        configureExampleCom();
        run(BUILD);
        String image = servedImage();
        Files.writeString(state().resolve("example.com.7-abc.zimg"), "left by a killed worker");
        Files.writeString(state().resolve("example.com.7-abc.zimg.src"), "left by a killed worker");
        Files.writeString(state().resolve("serving.new"), "left by a killed worker");
        Files.setPosixFilePermissions(state(), PosixFilePermissions.fromString("rwxr-xr-x"));

        try (ZoneImages images = ZoneImages.open(state(), BUILD)) {
            // The image served stays, and beside it the source it was compiled from (ZoneSource).
            assertThat(files()).containsExactlyInAnyOrder("build", "lock", ZoneImages.WARM, image, image + ".src");
            assertThat(Files.getPosixFilePermissions(state())).hasSize(3);
        }
    }

    @Test
    void masterKilledBeforeItsFirstLoadPublishedKeepsTheWarmStartForTheNext() throws Exception {
        configureExampleCom();
        run(BUILD);
        String image = servedImage();
        ZoneImages.open(state(), BUILD).close();

        run(BUILD);

        assertThat(servedImage()).isEqualTo(image);
    }

    @Test
    void secondMasterCannotUseTheStateDirectoryOfARunningOne() throws Exception {
        try (ZoneImages running = ZoneImages.open(state(), BUILD)) {
            assertThatThrownBy(() -> ZoneImages.open(state(), BUILD)).isInstanceOf(IOException.class)
                    .hasMessageContaining("another running hpdns");
        }
        ZoneImages.open(state(), BUILD).close();
    }

    @Test
    void unreadableWarmManifestMeansEveryZoneIsReadFromItsFile() throws Exception {
        configureExampleCom();
        run(BUILD);
        Files.writeString(state().resolve(ZoneImages.MANIFEST), "not\ta manifest line with five\tfields\tx\ty\n",
                StandardOpenOption.APPEND);

        ZoneReloader again = run(BUILD);

        assertThat(www(again)).isEqualTo("192.0.2.1");
    }
}
