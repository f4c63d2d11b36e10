package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command-line contract: exit 0 on success, 2 on usage errors, help and version everywhere. */
class HpdnsCommandTest {

    @Test
    void withoutACommandIsAUsageError() {
        CommandRun run = CommandRun.of();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("hpdns: missing command").contains("Try 'hpdns --help'");
    }

    @Test
    void unknownCommandIsAUsageError() {
        CommandRun run = CommandRun.of("serve");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("serve");
    }

    @Test
    void unknownOptionIsAUsageError() {
        CommandRun run = CommandRun.of("start", "--threads", "2");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("hpdns start: Unknown option").contains("Try 'hpdns start --help'");
    }

    @Test
    void missingParameterIsAUsageError() {
        CommandRun run = CommandRun.of("check-zone", "example.com.");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("FILE");
    }

    @Test
    void malformedOptionValuesAreUsageErrors() {
        assertThat(CommandRun.of("start", "--listen", "localhost").exitCode()).isEqualTo(2);
        assertThat(CommandRun.of("start", "--zone", "example.com.").exitCode()).isEqualTo(2);
        assertThat(CommandRun.of("start", "--zone", "example..com=zone.file").exitCode()).isEqualTo(2);
        assertThat(CommandRun.of("start", "--udp-threads", "two").exitCode()).isEqualTo(2);
        assertThat(CommandRun.of("check-zone", "bad..origin", "zone.file").exitCode()).isEqualTo(2);
    }

    @Test
    void outOfRangeUdpThreadsIsAUsageError() {
        CommandRun run = CommandRun.of("start", "--udp-threads", "0", "--zone",
                "example.com.=" + CommandRun.resource("conf/zones/example.com.zone"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--udp-threads: expected an integer from 1 to 1024, got 0");
    }

    @Test
    void outOfRangeWorkersIsAUsageError() {
        CommandRun run = CommandRun.of("start", "--workers", "65", "--zone",
                "example.com.=" + CommandRun.resource("conf/zones/example.com.zone"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--workers: expected an integer from 1 to 64, got 65");
    }

    @Test
    void aCommandLineBuildsOnlyTheCommandItNamesElseAll() {
        assertThat(HpdnsCommand.commandLine(new String[] {"check-conf", "-c", "x"}).getSubcommands())
                .containsOnlyKeys("check-conf");
        assertThat(HpdnsCommand.commandLine(new String[] {"strat"}).getSubcommands())
                .containsOnlyKeys("start", "ctl", "check-zone", "check-conf");
        assertThat(CommandRun.of("strat").err()).contains("Did you mean: hpdns start?");
    }

    @Test
    void theInternalCommandsAreNotTheOperators() {
        CommandRun help = CommandRun.of("--help");
        CommandRun worker = CommandRun.of("worker", "--spare");

        assertThat(help.out()).containsPattern("(?m)^  start ").doesNotContainPattern("(?m)^  (worker|compile) ");
        assertThat(worker.exitCode()).isEqualTo(2);
    }

    @Test
    void overlappingListenAddressesAreAUsageError() {
        CommandRun run = CommandRun.of("start", "--zone", "example.com.=" + CommandRun.resource("conf/zones/example.com.zone"),
                "--listen", "*:5300", "--listen", "127.0.0.1:5300");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("hpdns start: --listen: ");
    }

    @Test
    void sameZoneTwiceOnTheCommandLineIsAUsageError() {
        String zone = "example.com.=" + CommandRun.resource("conf/zones/example.com.zone");
        CommandRun run = CommandRun.of("start", "--zone", zone, "--zone", zone);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--zone: zone example.com. is given twice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "start", "check-zone", "check-conf"})
    void everyCommandHasHelp(String command) {
        CommandRun run = command.isEmpty() ? CommandRun.of("--help") : CommandRun.of(command, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: hpdns").contains("--help");
    }

    @Test
    void versionComesFromTheManifestOrIsDev() {
        CommandRun run = CommandRun.of("--version");

        assertThat(run.exitCode()).isZero();
        // Tests run from target/classes, which has no manifest.
        assertThat(run.out().strip()).isEqualTo("hpdns dev");
    }
}
