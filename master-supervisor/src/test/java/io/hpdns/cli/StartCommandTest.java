package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.server.ListenAddress;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** {@code hpdns start} in-process: a real server on an ephemeral loopback port and a real client. */
class StartCommandTest {


    @Test
    void servesTheConfiguredZoneOverUdpAndTcpThenStopsCleanly() throws Exception {
        String config = CommandRun.resource("conf/good.yaml").toString();

        try (RunningStart server = RunningStart.launch("start", "-c", config, "--listen", "127.0.0.1:0")) {
            InetSocketAddress address = server.awaitReady();

            assertThat(address.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
            assertThat(address.getPort()).isPositive();
            assertAnswersWwwExampleCom(address, false);
            assertAnswersWwwExampleCom(address, true);

            assertThat(server.stopAndWait()).isZero();
            assertThat(server.err()).isEmpty();
        }
    }

    @Test
    void zonesOnTheCommandLineNeedNoConfigurationFile() throws Exception {
        String zone = "example.com=" + CommandRun.resource("conf/zones/example.com.zone");

        try (RunningStart server = RunningStart.launch("start", "--zone", zone, "--listen", "127.0.0.1:0",
                "--udp-threads", "1")) {
            assertAnswersWwwExampleCom(server.awaitReady(), false);
            assertThat(server.stopAndWait()).isZero();
        }
    }

    @Test
    void workersShareTheWildcardPortWorkerZeroChose() throws Exception {
        String zone = "example.com=" + CommandRun.resource("conf/zones/example.com.zone");

        try (RunningStart server = RunningStart.launch("start", "--zone", zone, "--listen", "*:0",
                "--workers", "2", "--udp-threads", "1")) {
            List<ListenAddress> listen = server.awaitAllReady();

            assertThat(listen).hasSize(1);
            assertThat(listen.getFirst().isWildcard()).isTrue();
            assertThat(listen.getFirst().port()).isPositive();
            // Fresh client ports spread the queries over both workers' SO_REUSEPORT sockets.
            for (int i = 0; i < 10; i++) {
                assertAnswersWwwExampleCom(new InetSocketAddress("127.0.0.1", listen.getFirst().port()), false);
            }
            assertThat(server.stopAndWait()).isZero();
        }
    }

    @Test
    void eitherUdpTransportServes() throws Exception {
        String zone = "example.com=" + CommandRun.resource("conf/zones/example.com.zone");
        for (String transport : List.of("ffm", "netty")) {
            try (RunningStart server = RunningStart.launch("start", "--zone", zone, "--listen", "127.0.0.1:0",
                    "--udp-transport", transport)) {
                assertAnswersWwwExampleCom(server.awaitReady(), false);
                assertThat(server.stopAndWait()).isZero();
            }
        }
    }

    @Test
    void unknownUdpTransportIsAUsageError() {
        CommandRun run = CommandRun.of("start", "--zone", "example.com=x.zone", "--udp-transport", "epoll");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("server.udp-transport must be ffm or netty, got \"epoll\"");
    }

    @Test
    void brokenZoneIsAnsweredServfailWhileTheOthersAreServed() throws Exception {
        String config = CommandRun.resource("conf/broken-zone.yaml").toString();

        try (RunningStart server = RunningStart.launch("start", "-c", config, "--listen", "127.0.0.1:0")) {
            InetSocketAddress address = server.awaitReady();

            assertAnswersWwwExampleCom(address, false);
            SimpleResolver resolver = new SimpleResolver(address);
            resolver.setTimeout(Duration.ofSeconds(5));
            resolver.setEDNS(0);
            Message broken = resolver.send(Message.newQuery(
                    Record.newRecord(Name.fromString("www.broken.example."), Type.A, DClass.IN)));
            // RFC 8914 §4.15: "Not Ready" says why.
            assertThat(broken.getRcode()).isEqualTo(Rcode.SERVFAIL);
            assertThat(broken.getOPT().getOptions()).singleElement().isInstanceOfSatisfying(
                    ExtendedErrorCodeOption.class, ede -> assertThat(ede.getErrorCode()).isEqualTo(14));
            assertThat(server.stopAndWait()).isZero();
        }
    }

    @Test
    void configurationErrorExitsOne() throws Exception {
        String config = CommandRun.resource("conf/unknown-key.yaml").toString();

        CommandRun run = CommandRun.of("start", "-c", config);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("hpdns: " + config + ":4: unknown key \"listen-on\" in server").hasLineCount(1);
    }

    @Test
    void addressInUseExitsOneWithTheReason() throws Exception {
        String config = CommandRun.resource("conf/good.yaml").toString();
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            String listen = "127.0.0.1:" + taken.getLocalPort();

            CommandRun run = CommandRun.of("start", "-c", config, "--listen", listen);

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).startsWith("hpdns: ").hasLineCount(1);
        }
    }

    private static void assertAnswersWwwExampleCom(InetSocketAddress server, boolean tcp) throws Exception {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTCP(tcp);
        resolver.setTimeout(Duration.ofSeconds(5));
        Name www = Name.fromString("www.example.com.");

        Message response = resolver.send(Message.newQuery(Record.newRecord(www, Type.A, DClass.IN)));

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(response.getSection(Section.ANSWER)).singleElement()
                .isInstanceOfSatisfying(ARecord.class, a -> assertThat(a.getAddress().getHostAddress()).isEqualTo("192.0.2.10"));
    }
}
