package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

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
    void missingFileExitsOne() {
        CommandRun run = CommandRun.of("check-zone", "example.com.", "no/such/file.zone");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no/such/file.zone");
    }
}
