package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/hpdns ctl} as an operator runs it: the script, starting {@link CtlMain} in its own
 * JVM, against a real running server (an in-process master with one worker process). It answers as
 * the picocli {@code hpdns ctl} does, and never builds.
 */
class CtlLauncherTest {

    @TempDir
    Path dir;

    private Path zoneFile;
    private Path socket;
    private RunningStart server;

    private static String zone(long serial) {
        return "$ORIGIN example.com.\n$TTL 300\n"
                + "@ SOA ns1 hostmaster " + serial + " 3600 600 86400 300\n"
                + "@ NS ns1\nns1 A 192.0.2.1\nwww A 192.0.2.10\n";
    }

    private void startServer() throws Exception {
        zoneFile = dir.resolve("example.com.zone");
        Files.writeString(zoneFile, zone(1));
        socket = dir.resolve("run/hpdns.sock");
        server = RunningStart.launch("start", "--zone", "example.com.=" + zoneFile, "--listen", "127.0.0.1:0",
                "--udp-threads", "1", "--control", socket.toString());
        server.awaitReady();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private ScriptInstall install() throws Exception {
        return ScriptInstall.withJar(dir.resolve("hpdns"));
    }

    /**
     * An installation whose jar has neither picocli nor the YAML parser: a ctl that needs either
     * (more classes to load, a slower start) fails there.
     */
    private ScriptInstall installWithoutPicocliOrYaml() throws Exception {
        return ScriptInstall.withJar(dir.resolve("hpdns"), "picocli-", "snakeyaml-");
    }

    private static String[] ctl(Path socket, String... command) {
        List<String> args = new ArrayList<>(List.of("ctl", "--control", socket.toString()));
        args.addAll(List.of(command));
        return args.toArray(String[]::new);
    }

    /** Status with the uptimes, which tick between two runs, left out. */
    private static CommandRun withoutUptimes(CommandRun run) {
        return new CommandRun(run.exitCode(), run.out().replaceAll("uptime:? \\d+s", "uptime"), run.err());
    }

    @Test
    void statusStatsAndReloadAnswerAsThePicocliCommand() throws Exception {
        startServer();
        ScriptInstall install = installWithoutPicocliOrYaml();

        CommandRun status = install.run(dir, ctl(socket, "status"));

        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).containsPattern("zone example\\.com\\. serial 1 last-reload \\S+ loaded");
        assertThat(withoutUptimes(status)).isEqualTo(withoutUptimes(CommandRun.of(ctl(socket, "status"))));
        for (String[] command : List.of(new String[] {"stats"}, new String[] {"reload"},
                new String[] {"reload", "example.com."})) {
            CommandRun viaScript = install.run(dir, ctl(socket, command));
            assertThat(viaScript.exitCode()).as(viaScript.err()).isZero();
            assertThat(viaScript).isEqualTo(CommandRun.of(ctl(socket, command)));
        }
    }

    @Test
    void failedReloadExitsOneWithTheSameLinesAsThePicocliCommand() throws Exception {
        startServer();
        ScriptInstall install = installWithoutPicocliOrYaml();
        Files.writeString(zoneFile, zone(2) + "www2 A not-an-address\n");

        CommandRun viaScript = install.run(dir, ctl(socket, "reload"));

        assertThat(viaScript.exitCode()).isEqualTo(1);
        assertThat(viaScript.err()).contains(zoneFile + ":7: ")
                .endsWith("hpdns: reload: 1 zone(s) failed to load and keep their old data\n");
        assertThat(viaScript).isEqualTo(CommandRun.of(ctl(socket, "reload")));
    }

    @Test
    void socketFromTheInstalledConfigurationWhenNoneIsGiven() throws Exception {
        startServer();
        ScriptInstall install = ScriptInstall.withJar(dir.resolve("hpdns"), "picocli-");
        Path config = Files.createDirectories(install.root().resolve("conf")).resolve("hpdns.yaml");
        Files.writeString(config, "server:\n  control: " + socket + "\n");
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));

        CommandRun installed = install.run(elsewhere, "ctl", "stats");

        assertThat(installed.exitCode()).as(installed.err()).isZero();
        assertThat(installed.out()).contains("queries.udp: 0");
        assertThat(install.run(elsewhere, "ctl", "-c", config.toString(), "stats")).isEqualTo(installed);
        assertThat(install.run(elsewhere, "ctl", "stats", "--config=" + config)).isEqualTo(installed);
    }

    @Test
    void ctlNeverBuildsEvenWhenASourceIsNewerThanTheJar() throws Exception {
        ScriptInstall install = installWithoutPicocliOrYaml();
        install.editSourceAfterTheBuild();
        FileTime built = Files.getLastModifiedTime(install.jar());

        CommandRun ctl = install.run(dir, ctl(dir.resolve("none.sock"), "status"));

        assertThat(ctl.exitCode()).isEqualTo(1);
        assertThat(ctl.err()).startsWith("hpdns: no hpdns server is running");
        assertThat(install.mavenRuns()).isZero();
        assertThat(Files.getLastModifiedTime(install.jar())).isEqualTo(built);

        // The same installation makes any other command build first.
        CommandRun version = install.run(dir, "--version");

        assertThat(version.exitCode()).isEqualTo(1);
        assertThat(version.err()).contains("hpdns: build failed");
        assertThat(install.mavenRuns()).isEqualTo(1);
    }

    @Test
    void ctlArchiveIsWrittenAgainAfterABuild() throws Exception {
        ScriptInstall install = installWithoutPicocliOrYaml();
        Path none = dir.resolve("none.sock");

        assertThat(install.run(dir, ctl(none, "status")).exitCode()).isEqualTo(1);
        assertThat(install.ctlArchive()).isNotEmptyFile();

        // A build after the archive was made: the JVM would refuse that archive and keep it.
        install.writeJar();
        FileTime built = Files.getLastModifiedTime(install.jar());
        Files.setLastModifiedTime(install.ctlArchive(), FileTime.fromMillis(built.toMillis() - 60_000));
        CommandRun afterBuild = install.run(dir, ctl(none, "status"));

        assertThat(afterBuild.exitCode()).isEqualTo(1);
        assertThat(afterBuild.err()).startsWith("hpdns: no hpdns server is running").hasLineCount(1);
        assertThat(Files.getLastModifiedTime(install.ctlArchive())).isGreaterThanOrEqualTo(built);
    }

    @Test
    void missingJarFailsWithWhatToRunFirst() throws Exception {
        ScriptInstall install = ScriptInstall.withoutJar(dir.resolve("hpdns"));

        CommandRun run = install.run(dir, ctl(dir.resolve("none.sock"), "status"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("hpdns: " + install.jar() + " is missing, and ctl does not build it:"
                + " run 'scripts/hpdns start' (which builds it) or 'mvn package' first\n");
        assertThat(install.mavenRuns()).isZero();
        assertThat(install.jar()).doesNotExist();
    }

    @Test
    void usageErrorsExitTwoAsWithThePicocliCommand() throws Exception {
        ScriptInstall install = install();
        Path none = dir.resolve("none.sock");

        for (String[] args : List.of(ctl(none, "flush"), ctl(none, "status", "extra"), ctl(none),
                ctl(none, "--no-such-option", "status"), new String[] {"ctl", "status", "--control"})) {
            CommandRun viaScript = install.run(dir, args);

            assertThat(viaScript.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(viaScript).isEqualTo(CommandRun.of(args));
        }
    }

    @Test
    void helpIsThePicocliCommands() throws Exception {
        CommandRun help = install().run(dir, "ctl", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: hpdns ctl ");
        assertThat(help).isEqualTo(CommandRun.of("ctl", "--help"));
    }

    @Test
    void unreachableSocketExitsOneWithTheReason() throws Exception {
        ScriptInstall install = installWithoutPicocliOrYaml();
        Path socket = dir.resolve("dead.sock");

        CommandRun missing = install.run(dir, ctl(socket, "status"));

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).isEqualTo("hpdns: no hpdns server is running: control socket " + socket
                + " does not exist (start the server, or give the server's --control path)\n");

        // A socket file left behind by a server that died: nothing listens on it.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        CommandRun stale = install.run(dir, "ctl", "--control=" + socket, "status");

        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err()).isEqualTo("hpdns: no hpdns server is running: nothing listens on control socket "
                + socket + " (a stale file from a server that died; start the server)\n");
    }
}
