package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hpdns check-zone}: validates like kzonecheck/named-checkzone, problems as file:line: message. */
class CheckZoneCommandTest {

    @Test
    void validZoneExitsZeroAndPrintsItsSerial() {
        Path zone = CommandRun.resource("conf/zones/example.com.zone");

        CommandRun run = CommandRun.of("check-zone", "example.com.", zone.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("example.com.: loaded serial 2026112301, 5 records" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void originWithoutTrailingDotIsTheSameZone() {
        Path zone = CommandRun.resource("conf/zones/example.com.zone");

        CommandRun run = CommandRun.of("check-zone", "example.com", zone.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("example.com.: loaded serial 2026112301");
    }

    @Test
    void brokenZoneExitsOneWithTheFileAndLineOfTheError() {
        Path zone = CommandRun.resource("conf/zones/broken.zone");

        CommandRun run = CommandRun.of("check-zone", "broken.example.", zone.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("broken.zone:6: ");
        assertThat(run.err().lines().toList().getLast()).startsWith("hpdns: broken.example.: ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void dnssecCheckPassesASignedZoneAndFindsAnEditedRecord(@TempDir Path dir) throws IOException {
        Path signed = Path.of("..", "dns-engine", "src", "test", "resources", "zones", "signed", "nsec3.example.zone");
        Path edited = dir.resolve("nsec3.example.zone");
        Files.writeString(edited, Files.readString(signed).replace("192.0.2.80", "192.0.2.81"));

        CommandRun good = CommandRun.of("check-zone", "--dnssec", "nsec3.example.", signed.toString());
        CommandRun bad = CommandRun.of("check-zone", "--dnssec", "nsec3.example.", edited.toString());
        CommandRun unchecked = CommandRun.of("check-zone", "nsec3.example.", edited.toString());

        assertThat(good.exitCode()).isZero();
        assertThat(good.err()).isEmpty();
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("nsec3.example.zone:").contains(": RRSIG A of www.nsec3.example. does not verify");
        assertThat(unchecked.exitCode()).as("without --dnssec signatures are not checked").isZero();
    }

    @Test
    void missingFileExitsOne() {
        CommandRun run = CommandRun.of("check-zone", "example.com.", "no/such/file.zone");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no/such/file.zone");
    }
}
