package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.hpdns.conf.HpdnsConfig;
import io.hpdns.server.ListenAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcessArgumentsTest {

    private static final Set<String> WORKER = WorkerCommand.OPTIONS;

    @Test
    void readsTheCommandLineTheMasterWritesForAWorker() {
        ServeOptions start = ServeOptions.from(ProcessArguments.parse(List.of("start", "--zone",
                "example.com.=" + CommandRun.resource("conf/zones/example.com.zone"), "--listen", "127.0.0.1:5300",
                "--udp-threads", "3"), ServeOptions.namesWith(), Set.of()));
        HpdnsConfig config = start.configuration();
        List<String> written = start.workerArguments(config, config.server().listen(), Path.of("/state"));

        ProcessArguments worker = ProcessArguments.parse(written, WORKER, WorkerCommand.FLAGS);
        HpdnsConfig read = ServeOptions.from(worker).configuration();

        assertThat(worker.command()).isEqualTo(WorkerCommand.NAME);
        assertThat(worker.value(WorkerCommand.ZONE_IMAGES, Path::of)).contains(Path.of("/state"));
        assertThat(read.zones()).isEqualTo(config.zones());
        assertThat(read.server().listen()).containsExactly(ListenAddress.parse("127.0.0.1:5300"));
        assertThat(read.server().udpThreads()).isEqualTo(3);
        assertThat(read.server().udpTransport()).isEqualTo(config.server().udpTransport());
    }

    @Test
    void flagsAndRepeatedOptions() {
        ProcessArguments arguments = ProcessArguments.parse(List.of("worker", "--spare", "--listen", "127.0.0.1:1",
                "--listen", "[::1]:1"), WORKER, WorkerCommand.FLAGS);

        assertThat(arguments.flag(WorkerCommand.SPARE)).isTrue();
        assertThat(arguments.flag(WorkerCommand.FIRST)).isFalse();
        assertThat(arguments.values(ServeOptions.LISTEN, ListenAddress::parse)).hasSize(2);
        assertThat(arguments.values(ServeOptions.ZONE, ZoneOptionConverter::parse)).isNull();
    }

    @Test
    void refusesWhatTheMasterNeverWrites() {
        assertThatIllegalArgumentException().isThrownBy(() -> ProcessArguments.parse(List.of(), WORKER, Set.of()))
                .withMessage("missing command");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ProcessArguments.parse(List.of("worker", "--workers", "2"), WORKER, Set.of()))
                .withMessage("unknown option '--workers'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ProcessArguments.parse(List.of("worker", "--index"), WORKER, Set.of()))
                .withMessage("--index: missing value");
        ProcessArguments twice = ProcessArguments.parse(List.of("worker", "--index", "1", "--index", "2"), WORKER,
                Set.of());
        assertThatIllegalArgumentException().isThrownBy(() -> twice.value(WorkerCommand.INDEX, Integer::valueOf))
                .withMessage("--index: given 2 times");
        ProcessArguments badZone = ProcessArguments.parse(List.of("worker", "--zone", "example.com."), WORKER,
                Set.of());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> badZone.values(ServeOptions.ZONE, ZoneOptionConverter::parse))
                .withMessageStartingWith("--zone: expected ORIGIN=FILE");
    }

    @Test
    void aWorkerIsEitherIndexedOrASpare() {
        assertThatIllegalArgumentException().isThrownBy(() -> WorkerCommand.from(ProcessArguments.parse(
                List.of("worker", "--zone-images", "/state", "--spare", "--index", "0"), WORKER, WorkerCommand.FLAGS)))
                .withMessage("expected either --index N or --spare");
        assertThatIllegalArgumentException().isThrownBy(() -> WorkerCommand.from(ProcessArguments.parse(
                List.of("worker", "--index", "0"), WORKER, WorkerCommand.FLAGS)))
                .withMessage("missing --zone-images");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(ProcessMain.run(List.of("start"))).isEqualTo(2);
    }
}
