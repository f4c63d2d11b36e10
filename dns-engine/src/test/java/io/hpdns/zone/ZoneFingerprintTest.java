package io.hpdns.zone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zone's files are known unchanged without reading them only when the state taken of each
 * could not miss a write (FileState); else by their contents.
 */
class ZoneFingerprintTest {

    private static final String ZONE = "@ SOA ns hostmaster 1 3600 900 604800 300\nwww A 192.0.2.1\n";

    @TempDir
    Path dir;

    @Test
    void filesNotWrittenSinceTheirStatesWereTakenAreUnchangedUnread() throws IOException {
        Path file = Files.writeString(dir.resolve("zone"), ZONE);
        ZoneFingerprint fingerprint = fingerprintTakenLater(file);

        assertThat(fingerprint.unchangedSinceTaken()).isTrue();
    }

    @Test
    void fileWrittenJustBeforeItsStateIsTakenHasNone() throws IOException {
        Path file = Files.writeString(dir.resolve("zone"), ZONE);

        assertThat(FileState.settled(file)).isEqualTo(FileState.UNSETTLED);
        assertThat(ZoneFingerprint.of(List.of(file), new ZoneFingerprint.Master(FileState.settled(file),
                ZoneFingerprint.digest(file))).unchangedSinceTaken()).isFalse();
    }

    @Test
    void editOfTheSameLengthWithItsTimeSetBackIsSeen() throws IOException {
        Path file = Files.writeString(dir.resolve("zone"), ZONE);
        FileTime written = Files.getLastModifiedTime(file);
        ZoneFingerprint fingerprint = fingerprintTakenLater(file);
        awaitLaterChangeTime(fingerprint.states().getFirst());

        Files.writeString(file, ZONE.replace("192.0.2.1", "192.0.2.9"));
        Files.setLastModifiedTime(file, written);

        assertThat(Files.size(file)).isEqualTo(fingerprint.states().getFirst().size());
        assertThat(fingerprint.unchangedSinceTaken()).isFalse();
        assertThat(fingerprint.unchanged(ZoneFingerprint.digest(file))).isFalse();
    }

    @Test
    void fileReplacedByAnotherIsSeen() throws IOException {
        Path file = Files.writeString(dir.resolve("zone"), ZONE);
        ZoneFingerprint fingerprint = fingerprintTakenLater(file);
        Path other = Files.writeString(dir.resolve("other"), ZONE);
        Files.setLastModifiedTime(other, Files.getLastModifiedTime(file));

        Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);

        assertThat(fingerprint.unchangedSinceTaken()).as("another inode").isFalse();
        assertThat(fingerprint.unchanged(ZoneFingerprint.digest(file))).as("the same octets").isTrue();
    }

    @Test
    void includedFileWrittenJustBeforeIsToldByItsContent() throws IOException {
        Path master = Files.writeString(dir.resolve("zone"), ZONE);
        Path included = Files.writeString(dir.resolve("included"), "mail A 192.0.2.2\n");
        ZoneFingerprint fingerprint = ZoneFingerprint.of(List.of(master, included),
                new ZoneFingerprint.Master(settledLater(master), ZoneFingerprint.digest(master)));
        assertThat(fingerprint.unchangedSinceTaken()).as("the included file's state was taken just after its write")
                .isFalse();

        assertThat(fingerprint.unchanged(ZoneFingerprint.digest(master))).isTrue();
    }

    @Test
    void goneFileHasChanged() throws IOException {
        Path file = Files.writeString(dir.resolve("zone"), ZONE);
        ZoneFingerprint fingerprint = fingerprintTakenLater(file);

        Files.delete(file);

        assertThat(fingerprint.unchangedSinceTaken()).isFalse();
    }

    /** The fingerprint of a one-file zone as a compile taken three seconds after the file's write would take it. */
    private static ZoneFingerprint fingerprintTakenLater(Path file) {
        return ZoneFingerprint.of(List.of(file), new ZoneFingerprint.Master(settledLater(file),
                ZoneFingerprint.digest(file)));
    }

    private static FileState settledLater(Path file) {
        FileState state = FileState.settled(file, Instant.now().plus(FileState.SETTLED).plusSeconds(1));
        assertThat(state).isNotEqualTo(FileState.UNSETTLED);
        return state;
    }

    /**
     * Waits until the file system's clock, which stamps a file's ctime, has moved past the
     * {@code taken} state's: the time stamps of writes in the same tick are equal, and a state
     * taken settled has a tick of its own.
     */
    private void awaitLaterChangeTime(FileState taken) throws IOException {
        Path probe = dir.resolve("probe");
        do {
            Files.writeString(probe, "tick");
        } while (FileState.of(probe).changed() <= taken.changed());
    }
}
