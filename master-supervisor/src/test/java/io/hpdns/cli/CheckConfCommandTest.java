package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code hpdns check-conf}: the configuration and every zone it names, errors as file:line: message. */
class CheckConfCommandTest {

    @Test
    void validConfigurationExitsZero() {
        Path config = CommandRun.resource("conf/good.yaml");

        CommandRun run = CommandRun.of("check-conf", config.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("example.com.: loaded serial 2026112301, 5 records")
                .contains(config + ": ok, 1 zone");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void configurationErrorExitsOneWithFileAndLine() {
        Path config = CommandRun.resource("conf/unknown-key.yaml");

        CommandRun run = CommandRun.of("check-conf", config.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith(config + ":4: unknown key \"listen-on\" in server")
                .endsWith("hpdns: " + config + ": 1 error" + System.lineSeparator());
    }

    @Test
    void brokenZoneExitsOneWithTheZoneFilesLine() {
        Path config = CommandRun.resource("conf/broken-zone.yaml");

        CommandRun run = CommandRun.of("check-conf", config.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("broken.zone:6: ")
                .endsWith("hpdns: 1 zone failed to load" + System.lineSeparator());
    }

    @Test
    void missingConfigurationExitsOne() {
        CommandRun run = CommandRun.of("check-conf", "no/such/hpdns.yaml");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("no/such/hpdns.yaml: no such file");
    }
}
