package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.reload.ImageFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
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
 * The master and its workers as real processes: {@code hpdns start} with two workers on an
 * ephemeral loopback port, queried with dnsjava, controlled with {@code hpdns ctl}, its workers
 * killed, stopped and replaced from outside, and the alarm command writing its environment to files.
 */
class WorkerSupervisionTest {

    /** Enough for a worker JVM to start on a loaded machine. */
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(60);
    /** Fresh client ports: SO_REUSEPORT spreads them over both workers' sockets. */
    private static final int QUERIES = 20;

    @TempDir
    Path dir;

    private Path zoneFile;
    private Path alarms;
    private MasterProcess master;
    private InetSocketAddress dns;

    @AfterEach
    void stopMaster() throws Exception {
        if (master != null) {
            master.close();
        }
    }

    private static String zone(long serial, String wwwAddress) {
        return "$ORIGIN example.com.\n$TTL 300\n"
                + "@ SOA ns1 hostmaster " + serial + " 3600 600 86400 300\n"
                + "@ NS ns1\nns1 A 192.0.2.1\nwww A " + wwwAddress + "\n";
    }

    private void startMaster(String heartbeatTimeout) throws Exception {
        master = MasterProcess.start(dir, "-c", writeConfig(heartbeatTimeout).toString());
        dns = master.awaitReady();
    }

    private Path writeConfig(String heartbeatTimeout) throws IOException {
        zoneFile = dir.resolve("example.com.zone");
        if (!Files.exists(zoneFile)) {
            Files.writeString(zoneFile, zone(1, "192.0.2.10"));
        }
        alarms = Files.createDirectories(dir.resolve("alarms"));
        // Written aside, then renamed: the test never reads half a file.
        String alarm = "env | grep ^HPDNS_ | sort > " + alarms + "/.$$ && mv " + alarms + "/.$$ " + alarms
                + "/$HPDNS_EVENT.$$";
        Path config = dir.resolve("hpdns.yaml");
        Files.writeString(config, """
                server:
                  listen: "127.0.0.1:0"
                  workers: 2
                  udp-threads: 1
                  heartbeat-timeout: %s
                  alarm-command: '%s'
                zones:
                  - { name: example.com., file: example.com.zone }
                """.formatted(heartbeatTimeout, alarm));
        return config;
    }

    private CommandRun ctl(String... command) {
        List<String> args = new ArrayList<>(List.of("ctl", "--control", dir.resolve("run/hpdns.sock").toString()));
        args.addAll(List.of(command));
        return CommandRun.of(args.toArray(String[]::new));
    }

    private String wwwAddress(boolean tcp) throws Exception {
        SimpleResolver resolver = new SimpleResolver(dns);
        resolver.setTCP(tcp);
        resolver.setTimeout(Duration.ofSeconds(5));
        Message response = resolver.send(
                Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN)));
        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        return ((ARecord) response.getSection(Section.ANSWER).getFirst()).getAddress().getHostAddress();
    }

    /** Asks {@link #QUERIES} times, each from a new client port; every answer must be {@code expected}. */
    private void assertEveryWorkerAnswers(String expected) throws Exception {
        for (int i = 0; i < QUERIES; i++) {
            assertThat(wwwAddress(i % 2 == 1)).isEqualTo(expected);
        }
    }

    /** Waits for the alarm command's environment for this event; returns its variables. */
    private Map<String, String> awaitAlarm(String event) throws Exception {
        return awaitAlarm(event, env -> true);
    }

    /** Waits for the alarm command's environment for this event with these variables. */
    private Map<String, String> awaitAlarm(String event, Predicate<Map<String, String>> matching) throws Exception {
        long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            List<Path> found;
            try (Stream<Path> files = Files.list(alarms)) {
                found = files.filter(f -> f.getFileName().toString().startsWith(event + ".")).toList();
            }
            for (Path file : found) {
                Map<String, String> env = new HashMap<>();
                for (String line : Files.readAllLines(file)) {
                    int equals = line.indexOf('=');
                    env.put(line.substring(0, equals), line.substring(equals + 1));
                }
                if (matching.test(env)) {
                    return env;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such " + event + " alarm; the log:\n" + master.log());
    }

    /** Waits until {@code ctl status} shows a spare other than {@code old}; returns its pid. */
    private long awaitNewSpare(long old) throws Exception {
        long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = ctl("status").out();
            long spare = MasterProcess.sparePid(status);
            if (spare != 0 && spare != old) {
                return spare;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no new spare worker:\n" + status + "\nthe log:\n" + master.log());
    }

    /** Waits until {@code ctl status} shows worker {@code index} serving after {@code restarts} restarts. */
    private String awaitServing(int index, int restarts) throws Exception {
        String line = "worker " + index + " pid ";
        long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = ctl("status").out();
            if (status.lines().anyMatch(l -> l.startsWith(line) && l.endsWith(" restarts " + restarts + " serving"))) {
                return status;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("worker " + index + " not serving after " + restarts + " restarts:\n" + status
                + "\nthe log:\n" + master.log());
    }

    @Test
    void bothWorkersServeOnePortAndCtlSeesThemAll() throws Exception {
        startMaster("10s");

        String status = ctl("status").out();

        assertThat(status).contains("pid: " + master.pid()).contains("workers: 2")
                .containsPattern("worker 0 pid \\d+ uptime \\d+s restarts 0 serving")
                .containsPattern("worker 1 pid \\d+ uptime \\d+s restarts 0 serving")
                .containsPattern("zone example\\.com\\. serial 1 last-reload \\S+ loaded");
        List<Long> children = master.workers().stream().map(ProcessHandle::pid).toList();
        assertThat(children).containsExactlyInAnyOrder(MasterProcess.workerPid(status, 0),
                MasterProcess.workerPid(status, 1), MasterProcess.sparePid(status));
        assertEveryWorkerAnswers("192.0.2.10");
        // The counters are summed over the workers, whichever answered.
        assertThat(ctl("stats").out().lines()).contains("queries.udp: " + QUERIES / 2, "queries.tcp: " + QUERIES / 2,
                "qtype.A: " + QUERIES, "rcode.NOERROR: " + QUERIES, "reloads: 0");
        assertThat(master.log()).containsPattern("compiler pid \\d+ ZoneCompiler: zone example\\.com\\. compiled from")
                .containsPattern("worker 1 pid \\d+ ZoneReloader: zone example\\.com\\. mapped from");
    }

    @Test
    void reloadReturnsOnceEveryWorkerServesTheNewDataAndKeepsTheOldOnError() throws Exception {
        startMaster("10s");
        Files.writeString(zoneFile, zone(2, "192.0.2.20"));

        CommandRun reload = ctl("reload");

        assertThat(reload.exitCode()).as(reload.err()).isZero();
        assertThat(reload.out()).isEqualTo("example.com. loaded, serial 2" + System.lineSeparator());
        assertEveryWorkerAnswers("192.0.2.20");
        // Compiled once, by the compiler, from the edited records alone; every worker maps the same image.
        assertThat(master.log())
                .containsPattern("compiler pid \\d+ ZoneCompiler: zone example\\.com\\. patched from .* into"
                        + " example\\.com\\.2-\\p{XDigit}+\\.zimg")
                .containsPattern("worker 0 pid \\d+ ZoneReloader: zone example\\.com\\. mapped from example\\.com\\.2-")
                .containsPattern("worker 1 pid \\d+ ZoneReloader: zone example\\.com\\. mapped from example\\.com\\.2-")
                .doesNotContainPattern("worker \\d+ pid \\d+ Zone(Compiler|Loader)");

        Files.writeString(zoneFile, zone(3, "192.0.2.30") + "www2 A not-an-address\n");
        CommandRun broken = ctl("reload");

        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.err()).contains(zoneFile + ":7: ")
                .endsWith("hpdns: reload: 1 zone(s) failed to load and keep their old data" + System.lineSeparator());
        assertEveryWorkerAnswers("192.0.2.20");
        // One count per reload asked for, not one per worker.
        assertThat(ctl("stats").out().lines()).contains("reloads: 2", "reloads.failed: 1");

        Files.writeString(zoneFile, zone(4, "192.0.2.40"));
        MasterProcess.signal(master.pid(), "HUP");
        long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
        while (!ctl("stats").out().contains("reloads: 3") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEveryWorkerAnswers("192.0.2.40");
    }

    @Test
    void aKilledWorkerIsRestartedAndTheAlarmCommandTold() throws Exception {
        startMaster("10s");
        String before = ctl("status").out();
        long killed = MasterProcess.workerPid(before, 1);
        long spare = MasterProcess.sparePid(before);
        assertThat(spare).as(before).isPositive();

        MasterProcess.signal(killed, "KILL");

        Map<String, String> exited = awaitAlarm("worker-exited", env -> env.get("HPDNS_PID").equals("" + killed));
        assertThat(exited).containsEntry("HPDNS_EVENT", "worker-exited").containsEntry("HPDNS_WORKER", "1")
                .containsEntry("HPDNS_PID", Long.toString(killed)).containsEntry("HPDNS_EXIT_STATUS", "137")
                .containsEntry("HPDNS_RESTARTS", "0").containsEntry("HPDNS_MASTER_PID", Long.toString(master.pid()));
        assertThat(exited.get("HPDNS_MESSAGE")).startsWith("worker 1 (pid " + killed + ") exited with status 137");
        String status = awaitServing(1, 1);
        long restarted = MasterProcess.workerPid(status, 1);
        // The spare took the killed worker's place; another spare follows once it serves.
        assertThat(restarted).isEqualTo(spare);
        assertThat(master.log()).contains("the spare worker (pid " + spare + ") becomes worker 1");
        assertThat(awaitNewSpare(spare)).isNotIn(killed, spare, MasterProcess.workerPid(status, 0));
        assertThat(awaitAlarm("worker-restarted", env -> env.get("HPDNS_PID").equals("" + restarted)))
                .containsEntry("HPDNS_WORKER", "1").containsEntry("HPDNS_RESTARTS", "1");
        assertThat(master.log()).contains("ERROR Alarms: alarm worker-exited: worker 1 (pid " + killed + ") exited");
        assertEveryWorkerAnswers("192.0.2.10");
    }

    @Test
    void aRestartedWorkerServesWhatTheOthersServeFromTheirImage() throws Exception {
        startMaster("10s");
        long killed = MasterProcess.workerPid(ctl("status").out(), 1);
        // Edited but not reloaded: worker 0 still serves serial 1, and so must the new worker 1.
        Files.writeString(zoneFile, zone(2, "192.0.2.20"));

        MasterProcess.signal(killed, "KILL");

        long restarted = MasterProcess.workerPid(awaitServing(1, 1), 1);
        assertEveryWorkerAnswers("192.0.2.10");
        assertThat(master.log()).containsPattern("worker 1 pid " + restarted
                + " ZoneReloader: zone example\\.com\\. mapped from example\\.com\\.1-\\p{XDigit}+\\.zimg");
        assertThat(ctl("reload").exitCode()).isZero();
        assertEveryWorkerAnswers("192.0.2.20");
    }

    @Test
    void aServerStartedAgainTakesUnchangedZonesFromItsPreviousRunsImages() throws Exception {
        startMaster("10s");
        assertThat(ctl("stop").exitCode()).isZero();
        assertThat(master.awaitExit()).isZero();

        startMaster("10s");

        // Every zone unchanged: the master serves the previous images, no compiler runs.
        assertThat(master.log()).containsPattern("INFO  ZoneCompiler: zone example\\.com\\. taken from"
                + " the previous run's image .*example\\.com\\.1-\\p{XDigit}+\\.zimg \\(its files are unchanged\\)")
                .doesNotContain("compiler pid");
        assertEveryWorkerAnswers("192.0.2.10");
        assertThat(ctl("stop").exitCode()).isZero();
        assertThat(master.awaitExit()).isZero();
        Files.writeString(zoneFile, zone(2, "192.0.2.20"));

        startMaster("10s");

        assertThat(master.log()).contains("zone example.com.: its files changed since the previous run; reading them")
                .doesNotContain("taken from the previous run's image");
        assertEveryWorkerAnswers("192.0.2.20");
    }

    @Test
    void aWorkerThatCannotStartAgainIsRetriedAfterALongerWait() throws Exception {
        startMaster("10s");
        long killed = MasterProcess.workerPid(ctl("status").out(), 1);
        Path image;
        try (Stream<Path> images = Files.list(dir.resolve("run/hpdns.sock.state"))) {
            image = images.filter(f -> f.toString().endsWith(".zimg")).findFirst().orElseThrow();
        }
        byte[] intact = Files.readAllBytes(image);
        byte[] damaged = intact.clone();
        damaged[damaged.length / 2] ^= 1;
        ImageFiles.replace(image, damaged);

        MasterProcess.signal(killed, "KILL");

        Map<String, String> retry = awaitAlarm("worker-exited",
                env -> env.get("HPDNS_MESSAGE").contains(" could not start: "));
        assertThat(retry.get("HPDNS_MESSAGE"))
                .matches("worker 1 \\(pid \\d+\\) could not start: zone example\\.com\\.: cannot map its image: .*"
                        + "checksum mismatch: the image is damaged; starting it again in 1s");
        assertThat(retry).containsEntry("HPDNS_EXIT_STATUS", "1").containsEntry("HPDNS_RESTARTS", "0");
        assertThat(master.log()).contains("zone example.com.: cannot map its image: " + image + ": ");
        ImageFiles.replace(image, intact);
        MasterProcess.workerPid(awaitServing(1, 1), 1);
        assertEveryWorkerAnswers("192.0.2.10");
    }

    @Test
    void aStoppedWorkerIsKilledAsHungAndRestarted() throws Exception {
        startMaster("3s");
        long stopped = MasterProcess.workerPid(ctl("status").out(), 0);

        MasterProcess.signal(stopped, "STOP");

        Map<String, String> hung = awaitAlarm("worker-hung", env -> env.get("HPDNS_PID").equals("" + stopped));
        assertThat(hung).containsEntry("HPDNS_WORKER", "0").containsEntry("HPDNS_PID", Long.toString(stopped));
        assertThat(hung.get("HPDNS_MESSAGE")).contains("answered no heartbeat for").endsWith("; killed");
        long restarted = MasterProcess.workerPid(awaitServing(0, 1), 0);
        assertThat(restarted).isNotEqualTo(stopped);
        assertThat(MasterProcess.gone(stopped)).isTrue();
        assertEveryWorkerAnswers("192.0.2.10");
    }

    /**
     * A client asking without pause, over UDP and TCP, through a rolling restart. Like any stub
     * resolver it asks again after a timeout or a reset connection (a query caught in the socket
     * of a worker just closing), but no query may go unanswered.
     */
    @Test
    void aRollingRestartReplacesEveryWorkerWhileEveryQueryIsAnswered() throws Exception {
        startMaster("10s");
        String before = ctl("status").out();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread client = Thread.ofPlatform().start(() -> {
            for (int i = 0; running.get() && failure.get() == null; i++) {
                boolean tcp = i % 2 == 1;
                Exception last = null;
                for (int attempt = 0; attempt < 3; attempt++) {
                    try {
                        SimpleResolver resolver = new SimpleResolver(dns);
                        resolver.setTCP(tcp);
                        resolver.setTimeout(Duration.ofSeconds(1));
                        Message response = resolver.send(Message.newQuery(
                                Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN)));
                        if (response.getRcode() != Rcode.NOERROR) {
                            failure.set("answered " + Rcode.string(response.getRcode()));
                        }
                        last = null;
                        break;
                    } catch (Exception e) {
                        last = e;
                        retries.incrementAndGet();
                    }
                }
                if (last != null) {
                    failure.set((tcp ? "TCP" : "UDP") + " query unanswered after 3 tries: " + last);
                }
                answered.incrementAndGet();
            }
        });

        CommandRun restart = ctl("restart");

        running.set(false);
        client.join(Duration.ofSeconds(30));
        assertThat(restart.exitCode()).as(restart.err()).isZero();
        String after = ctl("status").out();
        for (int index = 0; index < 2; index++) {
            long old = MasterProcess.workerPid(before, index);
            long fresh = MasterProcess.workerPid(after, index);
            assertThat(fresh).isNotEqualTo(old);
            assertThat(restart.out()).contains("worker " + index + ": pid " + old + " replaced by pid " + fresh);
            assertThat(MasterProcess.gone(old)).isTrue();
        }
        assertThat(after).contains("restarts 0 serving");
        assertThat(failure.get()).as("after %d queries, %d retries", answered.get(), retries.get()).isNull();
        assertThat(answered.get()).isPositive();
    }

    @Test
    void sigtermStopsTheWorkersAndExitsZero() throws Exception {
        startMaster("10s");
        List<ProcessHandle> workers = master.workers();
        assertThat(workers).as("two workers and the spare").hasSize(3);

        MasterProcess.signal(master.pid(), "TERM");

        assertThat(master.awaitExit()).isZero();
        for (ProcessHandle worker : workers) {
            assertThat(MasterProcess.gone(worker.pid())).as("worker %d gone", worker.pid()).isTrue();
        }
        assertThat(master.log()).contains("StartCommand: stopped");
        assertThat(dir.resolve("run/hpdns.sock")).doesNotExist();
    }

    @Test
    void workersStopByThemselvesWhenTheMasterIsKilled() throws Exception {
        startMaster("10s");
        List<ProcessHandle> workers = master.workers();
        assertThat(workers).as("two workers and the spare").hasSize(3);

        MasterProcess.signal(master.pid(), "KILL");

        for (ProcessHandle worker : workers) {
            boolean gone = worker.onExit().thenApply(p -> true)
                    .completeOnTimeout(false, RECOVERY_TIMEOUT.toSeconds(), TimeUnit.SECONDS).get();
            assertThat(gone).as("worker %d gone", worker.pid()).isTrue();
        }
        assertThat(master.log()).contains("the master is gone: stopping");
    }

    @Test
    void aZoneThatDoesNotLoadIsUnservedUntilAReloadLoadsIt() throws Exception {
        zoneFile = dir.resolve("example.com.zone");
        Files.writeString(zoneFile, zone(1, "192.0.2.10") + "www2 A not-an-address\n");

        startMaster("10s");

        assertThat(master.log()).contains(zoneFile + ":7: ");
        assertThat(ctl("status").out()).contains("zone example.com. not served (SERVFAIL)")
                .contains("failed: " + zoneFile + ":7: ");
        Files.writeString(zoneFile, zone(2, "192.0.2.20"));
        assertThat(ctl("reload").exitCode()).isZero();
        assertEveryWorkerAnswers("192.0.2.20");
    }
}
