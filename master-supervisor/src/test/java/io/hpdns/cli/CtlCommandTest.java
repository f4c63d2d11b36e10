package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.reload.ImageFiles;
import io.hpdns.reload.ZoneCompiler;
import io.hpdns.reload.ZoneImages;
import io.hpdns.zone.ZoneImage;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * {@code hpdns ctl} against a real running server (an in-process master with one worker process)
 * over its control socket.
 */
class CtlCommandTest {

    @TempDir
    Path dir;

    private Path zoneFile;
    private Path socket;
    private RunningStart server;
    private InetSocketAddress dns;

    private static String zone(long serial, String wwwAddress) {
        return "$ORIGIN example.com.\n$TTL 300\n"
                + "@ SOA ns1 hostmaster " + serial + " 3600 600 86400 300\n"
                + "@ NS ns1\nns1 A 192.0.2.1\nwww A " + wwwAddress + "\n";
    }

    private void startServer() throws Exception {
        zoneFile = dir.resolve("example.com.zone");
        Files.writeString(zoneFile, zone(1, "192.0.2.10"));
        socket = dir.resolve("run/hpdns.sock");
        server = RunningStart.launch("start", "--zone", "example.com.=" + zoneFile, "--listen", "127.0.0.1:0",
                "--udp-threads", "1", "--control", socket.toString());
        dns = server.awaitReady();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private CommandRun ctl(String... command) {
        List<String> args = new ArrayList<>(List.of("ctl", "--control", socket.toString()));
        args.addAll(List.of(command));
        return CommandRun.of(args.toArray(String[]::new));
    }

    private Message query(String name, boolean tcp) throws Exception {
        SimpleResolver resolver = new SimpleResolver(dns);
        resolver.setTCP(tcp);
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
    }

    private String wwwAddress() throws Exception {
        Message response = query("www.example.com.", false);
        return ((ARecord) response.getSection(Section.ANSWER).getFirst()).getAddress().getHostAddress();
    }

    @Test
    void statusShowsThePidAndEachZoneWithItsSerial() throws Exception {
        startServer();

        CommandRun run = ctl("status");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("pid: " + ProcessHandle.current().pid())
                .contains("uptime: ")
                .contains("workers: 1")
                .containsPattern("worker 0 pid \\d+ uptime \\d+s restarts 0 serving")
                .containsPattern("zone example\\.com\\. serial 1 last-reload \\S+ loaded");
    }

    @Test
    void reloadReturnsOnceTheNewDataIsAnswered() throws Exception {
        startServer();
        assertThat(wwwAddress()).isEqualTo("192.0.2.10");
        Files.writeString(zoneFile, zone(2, "192.0.2.20"));

        CommandRun run = ctl("reload");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("example.com. loaded, serial 2");
        assertThat(wwwAddress()).isEqualTo("192.0.2.20");
        assertThat(ctl("reload", "example.com").out()).contains("example.com. unchanged, serial 2");
    }

    @Test
    void brokenZoneFailsWithFileAndLineAndKeepsServingItsOldData() throws Exception {
        startServer();
        Files.writeString(zoneFile, zone(2, "192.0.2.20") + "www2 A not-an-address\n");

        CommandRun run = ctl("reload");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(zoneFile + ":7: ")
                .contains("example.com. failed, still serving serial 1")
                .endsWith("hpdns: reload: 1 zone(s) failed to load and keep their old data" + System.lineSeparator());
        assertThat(wwwAddress()).isEqualTo("192.0.2.10");
        assertThat(ctl("status").out()).contains("serial 1").containsPattern("failed \\(old data kept\\): \\S+example\\.com\\.zone:7: ");
    }

    @Test
    void largeZoneIsAnsweredFromItsLayoutWhileItsAnswersAreCompiled() throws Exception {
        StringBuilder text = new StringBuilder(zone(1, "192.0.2.10"));
        for (int i = 0; i < ZoneCompiler.DEFERRED_ANSWERS_FROM; i++) {
            text.append('h').append(i).append(" A 10.0.").append(i >> 8 & 255).append('.').append(i & 255).append('\n');
        }
        zoneFile = dir.resolve("example.com.zone");
        Files.writeString(zoneFile, text);
        socket = dir.resolve("run/hpdns.sock");
        server = RunningStart.launch("start", "--zone", "example.com.=" + zoneFile, "--listen", "127.0.0.1:0",
                "--udp-threads", "1", "--control", socket.toString());
        dns = server.awaitReady();
        assertThat(wwwAddress()).isEqualTo("192.0.2.10");

        ZoneImages images = new ZoneImages(Path.of(socket + ".state"));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (images.anyAnswersDeferred() || ctl("status").out().contains("answers deferred")) {
            assertThat(System.nanoTime()).as("answers compiled and served within 120 s").isLessThan(deadline);
            Thread.sleep(Duration.ofMillis(50));
        }

        List<Path> imageFiles;
        try (Stream<Path> files = Files.list(images.directory())) {
            imageFiles = files.filter(f -> f.toString().endsWith(".zimg")).toList();
        }
        assertThat(imageFiles).as("the layout served first, and the image with its answers").hasSize(2);
        int deferred = 0;
        for (Path image : imageFiles) {
            deferred += ZoneImage.answersDeferred(image) ? 1 : 0;
        }
        assertThat(deferred).as("images with their answers deferred").isEqualTo(1);
        assertThat(wwwAddress()).isEqualTo("192.0.2.10");
        assertThat(query("h4711.example.com.", false).getSection(Section.ANSWER)).hasSize(1);
        assertThat(ctl("reload").out()).contains("example.com. unchanged, serial 1");
    }

    @Test
    void reloadOfAZoneNotServedFails() throws Exception {
        startServer();

        CommandRun run = ctl("reload", "example.org.");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("example.org.: not a configured zone");
    }

    @Test
    void statsCountQueriesByProtocolTypeAndRcode() throws Exception {
        startServer();
        for (int i = 0; i < 3; i++) {
            query("www.example.com.", false);
        }
        query("www.example.com.", true);
        query("nothing.example.org.", false);
        ctl("reload");

        CommandRun run = ctl("stats");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).contains("queries.udp: 4", "queries.tcp: 1", "qtype.A: 5", "rcode.NOERROR: 4",
                "rcode.REFUSED: 1", "truncated: 0", "dropped: 0", "reloads: 1", "reloads.failed: 0");
    }

    @Test
    void stopEndsTheServerAndRemovesTheSocket() throws Exception {
        startServer();

        CommandRun run = ctl("stop");

        assertThat(run.exitCode()).isZero();
        assertThat(server.awaitExit()).isZero();
        assertThat(socket).doesNotExist();
    }

    @Test
    void restartReplacesTheWorkerWithANewProcess() throws Exception {
        startServer();
        long before = MasterProcess.workerPid(ctl("status").out(), 0);

        CommandRun run = ctl("restart");

        assertThat(run.exitCode()).as(run.err()).isZero();
        long after = MasterProcess.workerPid(ctl("status").out(), 0);
        assertThat(after).isNotEqualTo(before);
        assertThat(run.out()).isEqualTo("worker 0: pid " + before + " replaced by pid " + after + System.lineSeparator());
        assertThat(MasterProcess.gone(before)).isTrue();
        assertThat(wwwAddress()).isEqualTo("192.0.2.10");
    }

    @Test
    void restartServesTheZonesAsServedNotAsEditedSince() throws Exception {
        startServer();
        Files.writeString(zoneFile, zone(2, "192.0.2.20") + "www2 A not-an-address\n");

        CommandRun run = ctl("restart");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(wwwAddress()).isEqualTo("192.0.2.10");
        assertThat(ctl("status").out()).contains("zone example.com. serial 1 ");
    }

    @Test
    void restartWhoseReplacementCannotLoadTheZoneKeepsTheOldWorker() throws Exception {
        startServer();
        long before = MasterProcess.workerPid(ctl("status").out(), 0);
        Path image;
        try (Stream<Path> images = Files.list(Path.of(socket + ".state"))) {
            image = images.filter(f -> f.toString().endsWith(".zimg")).findFirst().orElseThrow();
        }
        ImageFiles.replace(image, new byte[] {'d', 'a', 'm', 'a', 'g', 'e', 'd'});

        CommandRun run = ctl("restart");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("hpdns: restart: worker 0: its replacement failed: zone example.com.: cannot map its"
                + " image: " + image + ": not a zone image: it does not start with \"HPDNSZIM\"; pid " + before
                + " keeps serving" + System.lineSeparator());
        assertThat(MasterProcess.workerPid(ctl("status").out(), 0)).isEqualTo(before);
        assertThat(wwwAddress()).isEqualTo("192.0.2.10");
    }

    @Test
    void controlSocketIsForTheServersUserOnly() throws Exception {
        startServer();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void secondServerOnTheSameSocketExitsOne() throws Exception {
        startServer();

        CommandRun second = CommandRun.of("start", "--zone", "example.com.=" + zoneFile, "--listen", "127.0.0.1:0",
                "--control", socket.toString());

        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.err()).contains("is in use: another hpdns is running").hasLineCount(1);
        assertThat(ctl("status").exitCode()).isZero();
    }

    @Test
    void unknownCommandIsAUsageError() {
        socket = dir.resolve("none.sock");

        CommandRun run = ctl("flush");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown command \"flush\"");
        assertThat(ctl("status", "extra").exitCode()).isEqualTo(2);
    }

    @Test
    void noServerRunningIsOneClearLine() throws Exception {
        socket = dir.resolve("none.sock");

        CommandRun missing = ctl("status");

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("hpdns: no hpdns server is running: control socket " + socket
                + " does not exist").hasLineCount(1);

        // A socket file left behind by a server that died: nothing listens on it.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        CommandRun stale = ctl("status");

        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err()).startsWith("hpdns: no hpdns server is running: nothing listens on control socket")
                .hasLineCount(1);
    }

    @Test
    void sighupReloadsTheZones() throws Exception {
        startServer();
        Files.writeString(zoneFile, zone(3, "192.0.2.30"));

        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
        assertThat(kill.waitFor()).isZero();

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!wwwAddress().equals("192.0.2.30") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(wwwAddress()).isEqualTo("192.0.2.30");
    }

    /**
     * RCU: a client asking without pause while the zone is reloaded again and again gets every
     * answer, each from the old or the new data, never a failure or a mix.
     */
    @Test
    void queriesDuringReloadsAllGetAnswers() throws Exception {
        startServer();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread client = Thread.ofPlatform().start(() -> {
            try {
                SimpleResolver resolver = new SimpleResolver(dns);
                resolver.setTimeout(Duration.ofSeconds(2));
                Message query = Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN));
                while (running.get() && failure.get() == null) {
                    Message response = resolver.send(query);
                    List<Record> answer = response.getSection(Section.ANSWER);
                    String address = answer.size() == 1 ? ((ARecord) answer.getFirst()).getAddress().getHostAddress() : "";
                    if (response.getRcode() != Rcode.NOERROR || !address.matches("192\\.0\\.2\\.(10|2[0-9]{2})")) {
                        failure.set("unexpected answer: " + response);
                    }
                    answered.incrementAndGet();
                }
            } catch (Exception e) {
                failure.set("query failed: " + e);
            }
        });

        for (int i = 0; i < 30 && failure.get() == null; i++) {
            Files.writeString(zoneFile, zone(10 + i, "192.0.2." + (200 + i)));
            CommandRun reload = ctl("reload");
            assertThat(reload.exitCode()).as(reload.err()).isZero();
            assertThat(wwwAddress()).isEqualTo("192.0.2." + (200 + i));
        }
        running.set(false);
        client.join(Duration.ofSeconds(10));

        assertThat(failure.get()).isNull();
        assertThat(answered.get()).isPositive();
    }
}
