package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without -c, the configuration is conf/hpdns.yaml here, else in the installation that the launcher names. */
class ConfigLocationTest {

    @TempDir
    Path home;

    private String savedHome;

    @BeforeEach
    void noConfigurationInTheWorkingDirectory() {
        // Tests run in the module directory, which has no conf/hpdns.yaml.
        assumeFalse(Files.exists(ConfigLocation.DEFAULT));
        savedHome = System.getProperty(ConfigLocation.HOME_PROPERTY);
    }

    @AfterEach
    void restoreHome() {
        if (savedHome == null) {
            System.clearProperty(ConfigLocation.HOME_PROPERTY);
        } else {
            System.setProperty(ConfigLocation.HOME_PROPERTY, savedHome);
        }
    }

    @Test
    void namedFileIsUsedAsGiven() {
        assertThat(ConfigLocation.resolve(Path.of("other.yaml"))).isEqualTo(Path.of("other.yaml"));
    }

    @Test
    void installationConfigurationIsUsedWhenTheWorkingDirectoryHasNone() throws IOException {
        Path installed = home.resolve("conf/hpdns.yaml");
        Files.createDirectories(installed.getParent());
        Files.writeString(installed, "zones: []\n");
        System.setProperty(ConfigLocation.HOME_PROPERTY, home.toString());

        assertThat(ConfigLocation.resolve(null)).isEqualTo(installed);
    }

    @Test
    void withoutAnyTheDefaultPathIsReportedMissing() {
        System.setProperty(ConfigLocation.HOME_PROPERTY, home.toString());

        assertThat(ConfigLocation.resolve(null)).isEqualTo(Path.of("conf/hpdns.yaml"));
        CommandRun run = CommandRun.of("check-conf");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("conf/hpdns.yaml: no such file");
    }
}
