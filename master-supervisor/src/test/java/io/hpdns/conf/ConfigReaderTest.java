package io.hpdns.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpdns.notify.NotifyTargets;
import io.hpdns.query.AnswerSettings;
import io.hpdns.server.ListenAddress;
import io.hpdns.server.UdpTransportKind;
import io.hpdns.server.ServerOptions;
import io.hpdns.supervisor.SupervisorOptions;
import io.hpdns.tsig.TsigKey;
import io.hpdns.xfr.AddressRange;
import io.hpdns.xfr.TransferAcl;
import io.hpdns.xfr.TransferPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

class ConfigReaderTest {

    @TempDir
    Path dir;

    private Path config;

    @BeforeEach
    void zoneFiles() throws IOException {
        Files.createDirectories(dir.resolve("zones"));
        Files.writeString(dir.resolve("zones/example.com.zone"), "; only its existence matters here\n");
        Files.writeString(dir.resolve("zones/example.net.zone"), "; only its existence matters here\n");
        config = dir.resolve("hpdns.yaml");
    }

    @Test
    void readsEveryKey() throws Exception {
        write("""
                server:
                  listen: ["127.0.0.1:5300", "[::1]:5301"]
                  udp-threads: 4
                  identity: ns1.example.com
                  version: "hpdns 0.1"
                  nsid: ns1
                  edns-udp-size: 1400
                  tcp: { idle-timeout: 500ms, max-connections: 20 }
                zones:
                  - { name: example.com., file: zones/example.com.zone }
                  - name: example.net
                    file: zones/example.net.zone
                """);

        HpdnsConfig read = ConfigReader.read(config);

        assertThat(read.server()).isEqualTo(new ServerOptions(
                List.of(ListenAddress.parse("127.0.0.1:5300"), ListenAddress.parse("[::1]:5301")),
                4, Duration.ofMillis(500), 20));
        AnswerSettings answers = read.answers();
        assertThat(answers.identity()).isEqualTo("ns1.example.com");
        assertThat(answers.version()).isEqualTo("hpdns 0.1");
        assertThat(answers.nsid()).asString(StandardCharsets.UTF_8).isEqualTo("ns1");
        assertThat(answers.ednsUdpSize()).isEqualTo(1400);
        assertThat(read.zones()).containsExactly(
                new ZoneConfig(Name.fromString("example.com."), dir.resolve("zones/example.com.zone")),
                new ZoneConfig(Name.fromString("example.net."), dir.resolve("zones/example.net.zone")));
        assertThat(read.source()).isEqualTo(config);
    }

    @Test
    void everyKeyLeftOutTakesItsDefault() throws Exception {
        write("# nothing configured\n");

        HpdnsConfig read = ConfigReader.read(config);

        assertThat(read).usingRecursiveComparison().ignoringFields("source", "control").isEqualTo(HpdnsConfig.defaults());
        assertThat(read.control()).isEqualTo(dir.resolve("run/hpdns.sock"));
    }

    @Test
    void stateDirectoryIsRelativeToTheConfigurationDirectoryAndFollowsTheControlSocketByDefault() throws Exception {
        write("server:\n  control: sockets/ctl.sock\n");
        assertThat(ConfigReader.read(config).stateDirectory()).isEqualTo(dir.resolve("sockets/ctl.sock.state"));

        write("server:\n  state-dir: /var/lib/hpdns\n");
        assertThat(ConfigReader.read(config).stateDirectory()).isEqualTo(Path.of("/var/lib/hpdns"));

        write("server:\n  state-dir: state\n");
        assertThat(ConfigReader.read(config).stateDirectory()).isEqualTo(dir.resolve("state"));

        write("server:\n  state-dir: {a: 1}\n");
        assertThat(problems()).containsExactly(config + ":2: server.state-dir: expected a directory path such as"
                + " /var/lib/hpdns, got a mapping");
    }

    @Test
    void controlSocketIsRelativeToTheConfigurationDirectory() throws Exception {
        write("server:\n  control: /tmp/hpdns-test/ctl.sock\n");
        assertThat(ConfigReader.read(config).control()).isEqualTo(Path.of("/tmp/hpdns-test/ctl.sock"));

        write("server:\n  control: sockets/ctl.sock\n");
        assertThat(ConfigReader.read(config).control()).isEqualTo(dir.resolve("sockets/ctl.sock"));

        write("server:\n  control: [a]\n");
        assertThat(problems()).containsExactly(config + ":2: server.control: expected a file path such as"
                + " run/hpdns.sock, got a list");
    }

    @Test
    void controlSocketAloneIsReadDespiteErrorsElsewhere() throws Exception {
        write("""
                server:
                  control: sockets/ctl.sock
                  workers: many
                zones:
                  - { name: example.com., file: missing.zone }
                """);
        assertThat(ConfigReader.readControl(config)).isEqualTo(dir.resolve("sockets/ctl.sock"));

        write("zones: []\n");
        assertThat(ConfigReader.readControl(config)).isEqualTo(dir.resolve("run/hpdns.sock"));

        write("server:\n  control: [a]\n  contol: x\n");
        assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigReader.readControl(config)).problems())
                .extracting(ConfigProblem::format).contains(config + ":2: server.control: expected a file path such as"
                        + " run/hpdns.sock, got a list");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        HpdnsConfig defaults = HpdnsConfig.defaults();

        assertThat(defaults.server().listen()).startsWith(ListenAddress.parse("127.0.0.1:5353"));
        assertThat(defaults.server().listen())
                .isSubsetOf(ListenAddress.parse("127.0.0.1:5353"), ListenAddress.parse("[::1]:5353"));
        assertThat(defaults.server().udpThreads()).isEqualTo(2);
        assertThat(defaults.server().tcpIdleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.server().tcpMaxConnections()).isEqualTo(10_000);
        assertThat(defaults.answers().ednsUdpSize()).isEqualTo(1232);
        assertThat(defaults.answers().identity()).isNull();
        assertThat(defaults.answers().version()).isNull();
        assertThat(defaults.answers().nsid()).isNull();
        assertThat(defaults.zones()).isEmpty();
        assertThat(defaults.control()).isEqualTo(Path.of("run/hpdns.sock"));
    }

    @Test
    void emptyValuesAndSectionsTakeTheDefaults() throws Exception {
        write("""
                server:
                  udp-threads:
                  tcp:
                zones:
                """);

        HpdnsConfig read = ConfigReader.read(config);

        assertThat(read).usingRecursiveComparison().ignoringFields("source", "control").isEqualTo(HpdnsConfig.defaults());
    }

    @Test
    void oneListenAddressMayBeWrittenWithoutAList() throws Exception {
        write("server: { listen: \"*:53\" }\n");

        assertThat(ConfigReader.read(config).server().listen()).containsExactly(ListenAddress.parse("*:53"));
    }

    @Test
    void zoneFilesAreRelativeToTheConfigurationFilesDirectory() throws Exception {
        Path nested = dir.resolve("etc/hpdns.yaml");
        Files.createDirectories(nested.getParent());
        Files.writeString(nested, "zones: [ { name: example.com., file: ../zones/example.com.zone } ]\n");

        assertThat(ConfigReader.read(nested).zones().getFirst().file())
                .isEqualTo(dir.resolve("zones/example.com.zone"));
    }

    @Test
    void nsidDefaultsToTheIdentity() throws Exception {
        write("server: { identity: ns7.example.com }\n");

        assertThat(ConfigReader.read(config).answers().nsid()).asString(StandardCharsets.UTF_8).isEqualTo("ns7.example.com");
    }

    @Test
    void nsidMayBeHexAndEmptyTurnsItOff() throws Exception {
        write("server: { identity: ns1.example.com, nsid: \"0x6e7331ff\" }\n");
        assertThat(ConfigReader.read(config).answers().nsid()).containsExactly(0x6e, 0x73, 0x31, 0xff);

        write("server: { identity: ns1.example.com, nsid: \"\" }\n");
        assertThat(ConfigReader.read(config).answers().nsid()).isNull();
    }

    @Test
    void unknownKeyIsReportedWithItsLineAndTheKeysExpected() throws Exception {
        write("""
                server:
                  listen: ["127.0.0.1:5353"]
                  udp-thread: 2
                """);

        assertThat(problems()).containsExactly(config + ":3: unknown key \"udp-thread\" in server (expected one of:"
                + " listen, udp-threads, udp-transport, identity, version, nsid, edns-udp-size, tcp, control, state-dir,"
                + " workers, heartbeat-timeout, alarm-command, worker-jvm-options, compiler-linger)");
    }

    @Test
    void udpTransportIsFfmOrNetty() throws Exception {
        write("server: { udp-transport: netty }\n");
        assertThat(ConfigReader.read(config).server().udpTransport()).isEqualTo(UdpTransportKind.NETTY);

        write("# default\n");
        assertThat(ConfigReader.read(config).server().udpTransport()).isEqualTo(UdpTransportKind.FFM);

        write("""
                server:
                  udp-transport: epoll
                """);
        assertThat(problems()).containsExactly(config + ":2: server.udp-transport: expected ffm or netty, got \"epoll\"");
    }

    @Test
    void unknownKeysAreRejectedAtEveryLevel() throws Exception {
        write("""
                servers: {}
                server:
                  tcp: { idle: 5s }
                zones:
                  - { name: example.com., file: zones/example.com.zone, class: IN }
                """);

        assertThat(problems()).containsExactly(
                config + ":1: unknown key \"servers\" (expected one of: server, keys, zones)",
                config + ":3: unknown key \"idle\" in server.tcp (expected one of: idle-timeout, message-timeout, max-connections, max-connections-per-client, max-transfers)",
                config + ":5: unknown key \"class\" in zones[0] (expected one of: name, file, transfer, notify, notify-key)");
    }

    @Test
    void wrongTypeIsReportedWithTheKeyAndTheValue() throws Exception {
        write("""
                server:
                  udp-threads: x
                """);

        assertThat(problems()).singleElement().asString()
                .startsWith(config + ":2: server.udp-threads: expected a positive integer")
                .endsWith(", got \"x\"");
    }

    @Test
    void outOfRangeValuesAreErrors() throws Exception {
        write("""
                server:
                  edns-udp-size: 100
                  tcp:
                    max-connections: 0
                  udp-threads: [1]
                """);

        assertThat(problems()).containsExactly(
                config + ":2: server.edns-udp-size: expected an integer from 512 to 65535, got \"100\"",
                config + ":4: server.tcp.max-connections: expected a positive integer up to 1000000, got \"0\"",
                config + ":5: server.udp-threads: expected a positive integer up to 1024, got a list");
    }

    @Test
    void badDurationIsReportedWithItsLine() throws Exception {
        write("""
                server:
                  tcp:
                    idle-timeout: 10
                """);

        assertThat(problems()).containsExactly(config + ":3: server.tcp.idle-timeout: expected a positive duration"
                + " such as 500ms, 10s, 2m or 1h, got \"10\"");
    }

    @Test
    void durationsHaveAnUpperBound() throws Exception {
        write("server: { tcp: { idle-timeout: 2h } }\n");

        assertThat(problems()).containsExactly(config + ":1: server.tcp.idle-timeout: expected at most 1h, got \"2h\"");
    }

    @Test
    void durationUnits() throws Exception {
        write("server: { tcp: { idle-timeout: 2m } }\n");
        assertThat(ConfigReader.read(config).server().tcpIdleTimeout()).isEqualTo(Duration.ofMinutes(2));

        write("server: { tcp: { idle-timeout: 1500ms } }\n");
        assertThat(ConfigReader.read(config).server().tcpIdleTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void listenAddressGivenTwiceIsReportedAtTheList() throws Exception {
        write("""
                server:
                  listen: ["127.0.0.1:5353", "127.0.0.1:5353"]
                """);

        assertThat(problems()).singleElement().asString().startsWith(config + ":2: server.listen has 127.0.0.1:5353 twice");
    }

    @Test
    void badListenAddressIsReportedWithTheLineOfTheAddress() throws Exception {
        write("""
                server:
                  listen:
                    - "127.0.0.1:5353"
                    - "localhost"
                """);

        assertThat(problems()).singleElement().asString().startsWith(config + ":4: server.listen[1]: ");
    }

    @Test
    void emptyListenListIsAnError() throws Exception {
        write("server: { listen: [] }\n");

        assertThat(problems()).singleElement().asString().startsWith(config + ":1: server.listen: needs at least one");
    }

    @Test
    void duplicateZoneIsReportedWithBothLines() throws Exception {
        write("""
                zones:
                  - { name: example.com., file: zones/example.com.zone }
                  - { name: example.net., file: zones/example.net.zone }
                  - { name: EXAMPLE.com, file: zones/example.net.zone }
                """);

        assertThat(problems()).containsExactly(config + ":4: zones[2].name: zone EXAMPLE.com. is already configured"
                + " at line 2; each zone may appear once");
    }

    @Test
    void missingZoneFileIsReportedWithItsLine() throws Exception {
        write("""
                zones:
                  - name: example.com.
                    file: zones/missing.zone
                """);

        assertThat(problems()).containsExactly(config + ":3: zones[0].file: " + dir.resolve("zones/missing.zone")
                + ": no such file (paths are relative to the directory of " + config + ")");
    }

    @Test
    void zoneWithoutNameOrFileIsAnError() throws Exception {
        write("""
                zones:
                  - { file: zones/example.com.zone }
                  - name: example.com.
                """);

        assertThat(problems()).containsExactly(
                config + ":2: zones[0]: missing key \"name\"",
                config + ":3: zones[1]: missing key \"file\"");
    }

    @Test
    void invalidZoneNameIsAnError() throws Exception {
        write("zones: [ { name: \"example..com\", file: zones/example.com.zone } ]\n");

        assertThat(problems()).singleElement().asString()
                .startsWith(config + ":1: zones[0].name: not a valid domain name \"example..com\"");
    }

    @Test
    void repeatedKeyIsAnError() throws Exception {
        write("""
                server:
                  udp-threads: 2
                  udp-threads: 3
                """);

        assertThat(problems()).containsExactly(config + ":3: duplicate key \"udp-threads\" in server (first given at line 2)");
    }

    @Test
    void yamlSyntaxErrorIsReportedWithItsLine() throws Exception {
        write("""
                server:
                  listen: ["127.0.0.1:5353"
                  udp-threads: 2
                """);

        assertThat(problems()).singleElement().asString().startsWith(config + ":3: YAML syntax error: ");
    }

    @Test
    void topLevelMustBeAMapping() throws Exception {
        write("- server\n");

        assertThat(problems()).containsExactly(
                config + ":1: the top level: expected a mapping with keys server, keys, zones, got a list");
    }

    @Test
    void everyErrorInTheFileIsReported() throws Exception {
        write("""
                server:
                  udp-threads: 0
                  identity: [a]
                  tcp: { idle-timeout: soon }
                zones:
                  - { name: example.com., file: nowhere.zone }
                """);

        assertThat(problems()).extracting(problem -> problem.substring(0, problem.indexOf(": ")))
                .containsExactly(config + ":2", config + ":3", config + ":4", config + ":6");
    }

    @Test
    void missingConfigurationFileIsAnError() {
        assertThat(problems()).containsExactly(config + ": no such file");
    }

    @Test
    void configurationExceptionMessageIsTheFirstProblem() throws IOException {
        write("server: { udp-threads: -1 }\n");

        assertThatThrownBy(() -> ConfigReader.read(config))
                .hasMessageStartingWith(config + ":1: server.udp-threads:");
    }

    @Test
    void readsKeysAndTransferAccessLists() throws Exception {
        write("""
                server:
                  tcp: { max-transfers: 3 }
                keys:
                  - { name: xfr-key, algorithm: hmac-sha256, secret: "c2VjcmV0LXNlY3JldC1zZWNyZXQ=" }
                zones:
                  - name: example.com.
                    file: zones/example.com.zone
                    transfer: { allow: ["127.0.0.1", "192.0.2.0/24", "::1"], keys: [xfr-key.] }
                  - { name: example.net., file: zones/example.net.zone, transfer: { allow: 10.0.0.0/8 } }
                """);

        TransferPolicy transfers = ConfigReader.read(config).transfers();

        Name key = Name.fromString("xfr-key.");
        assertThat(transfers.maxTransfers()).isEqualTo(3);
        assertThat(transfers.keys().find(key))
                .isEqualTo(new TsigKey(key, org.xbill.DNS.TSIG.HMAC_SHA256, "secret-secret-secret".getBytes()));
        TransferAcl com = transfers.acl(Name.fromString("example.com."));
        assertThat(com.allow()).containsExactly(AddressRange.parse("127.0.0.1"), AddressRange.parse("192.0.2.0/24"),
                AddressRange.parse("::1"));
        assertThat(com.keys()).containsExactly(key);
        TransferAcl net = transfers.acl(Name.fromString("example.net."));
        assertThat(net.permits(InetAddress.ofLiteral("10.1.2.3"), null)).isTrue();
        assertThat(net.permits(InetAddress.ofLiteral("11.1.2.3"), null)).isFalse();
        assertThat(com.permits(InetAddress.ofLiteral("192.0.2.9"), null)).isFalse();
        assertThat(com.permits(InetAddress.ofLiteral("192.0.2.9"), transfers.keys().find(key))).isTrue();
    }

    @Test
    void keyAndTransferErrorsNameTheLineAndNeverShowASecret() throws Exception {
        write("""
                keys:
                  - { name: a-key., algorithm: hmac-sha256, secret: "not base64 at all!" }
                  - { name: b-key., algorithm: hmac-md4, secret: "c2VjcmV0" }
                  - { name: a-key., algorithm: hmac-sha256, secret: "c2VjcmV0" }
                server:
                  tcp: { max-transfers: 0 }
                zones:
                  - name: example.com.
                    file: zones/example.com.zone
                    transfer: { allow: ["192.0.2.0/33", "host.example."], keys: [no-such-key.] }
                  - { name: example.net., file: zones/example.net.zone, transfer: {} }
                """);

        List<String> problems = problems();

        assertThat(problems).containsExactly(
                config + ":2: keys[0].secret: not a valid base64 secret (the value is not shown); generate one with "
                        + "`keymgr -t NAME hmac-sha256` or `head -c 32 /dev/urandom | base64`",
                config + ":3: keys[1].algorithm: expected one of hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384, "
                        + "hmac-sha512, got \"hmac-md4\"",
                config + ":4: keys[2].name: key a-key. is already defined at line 2; each key name may appear once",
                config + ":6: server.tcp.max-transfers: expected a positive integer up to 10000, got \"0\"",
                config + ":10: zones[0].transfer.allow: prefix length /33 is out of range for 192.0.2.0 (0 to 32)",
                config + ":10: zones[0].transfer.allow: not an IP address or CIDR prefix: \"host.example.\" "
                        + "(expected e.g. 192.0.2.1, 192.0.2.0/24, ::1 or 2001:db8::/32)",
                config + ":10: zones[0].transfer.keys: no key named no-such-key. in the keys section (defined: [a-key., b-key.])",
                config + ":11: zones[1].transfer: needs allow (addresses) or keys (TSIG key names), or both; "
                        + "leave transfer out to refuse every transfer of the zone");
        assertThat(String.join("\n", problems)).doesNotContain("not base64 at all");
    }

    @Test
    void readsEachZonesSecondariesToNotifyAndTheirKey() throws Exception {
        write("""
                keys:
                  - { name: notify-key., algorithm: hmac-sha256, secret: "c2VjcmV0LXNlY3JldC1zZWNyZXQ=" }
                zones:
                  - name: example.com.
                    file: zones/example.com.zone
                    notify: ["127.0.0.1:5300", "[::1]:53"]
                    notify-key: notify-key.
                  - { name: example.net., file: zones/example.net.zone, notify: "192.0.2.2:53" }
                """);

        List<ZoneConfig> zones = ConfigReader.read(config).zones();

        NotifyTargets com = zones.get(0).secondaries();
        assertThat(com.addresses()).containsExactly(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 5300),
                new InetSocketAddress(InetAddress.ofLiteral("::1"), 53));
        assertThat(com.key().name()).isEqualTo(Name.fromString("notify-key."));
        NotifyTargets net = zones.get(1).secondaries();
        assertThat(net.addresses()).containsExactly(new InetSocketAddress(InetAddress.ofLiteral("192.0.2.2"), 53));
        assertThat(net.key()).isNull();
    }

    @Test
    void notifyErrorsNameTheLine() throws Exception {
        write("""
                zones:
                  - name: example.com.
                    file: zones/example.com.zone
                    notify: ["127.0.0.1", "*:53", { a: b }]
                    notify-key: no-such-key.
                  - { name: example.net., file: zones/example.net.zone, notify-key: no-such-key. }
                """);

        assertThat(problems()).containsExactly(
                config + ":4: zones[0].notify: address \"127.0.0.1\": expected ADDR:PORT, e.g. 127.0.0.1:5353 or [::1]:5353",
                config + ":4: zones[0].notify: \"*:53\" is not a secondary's address: give its address and port, "
                        + "such as \"192.0.2.2:53\"",
                config + ":4: zones[0].notify: expected a secondary's ADDR:PORT such as \"192.0.2.2:53\" or "
                        + "\"[::1]:53\", got a mapping",
                config + ":5: zones[0].notify-key: no key named no-such-key. in the keys section (there are none)",
                config + ":6: zones[1].notify-key: no key named no-such-key. in the keys section (there are none)");
    }

    @Test
    void readsTheSupervisorKeys() throws Exception {
        write("""
                server:
                  workers: 4
                  heartbeat-timeout: 3s
                  alarm-command: 'logger -t hpdns "$HPDNS_MESSAGE"'
                  worker-jvm-options: ["-Xmx2g", "-XX:+AlwaysPreTouch"]
                  compiler-linger: 30s
                """);

        SupervisorOptions read = ConfigReader.read(config).supervisor();

        assertThat(read).isEqualTo(new SupervisorOptions(4, Duration.ofSeconds(3), "logger -t hpdns \"$HPDNS_MESSAGE\"",
                List.of("-Xmx2g", "-XX:+AlwaysPreTouch"), Duration.ofSeconds(30)));
        write("server: { worker-jvm-options: -Xmx1g }\n");
        assertThat(ConfigReader.read(config).supervisor().workerJvmOptions()).containsExactly("-Xmx1g");
    }

    @Test
    void supervisorDefaults() {
        SupervisorOptions defaults = HpdnsConfig.defaults().supervisor();

        assertThat(defaults.workers()).isEqualTo(1);
        assertThat(defaults.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.alarmCommand()).isNull();
        assertThat(defaults.workerJvmOptions()).isEmpty();
        assertThat(defaults.compilerLinger()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void compilerLingerMayBeZeroButNotNegativeOrOverADay() throws Exception {
        write("server: { compiler-linger: 0s }\n");
        assertThat(ConfigReader.read(config).supervisor().compilerLinger()).isZero();

        write("""
                server:
                  compiler-linger: -1s
                """);
        assertThat(problems()).containsExactly(config + ":2: server.compiler-linger: expected a duration such as 0s,"
                + " 500ms, 10s, 2m or 1h, got \"-1s\"");
        write("""
                server:
                  compiler-linger: 25h
                """);
        assertThat(problems()).containsExactly(config + ":2: server.compiler-linger: expected at most 24h, got \"25h\"");
    }

    @Test
    void supervisorKeyErrorsNameTheLine() throws Exception {
        write("""
                server:
                  workers: 65
                  heartbeat-timeout: 1s
                  alarm-command: ""
                  worker-jvm-options: ["-Xmx1g", "Xmx2g", "-jar", [x]]
                """);

        assertThat(problems()).containsExactly(
                config + ":2: server.workers: expected a positive integer up to 64, got \"65\"",
                config + ":3: server.heartbeat-timeout: expected at least 2s (two heartbeats, one a second), got \"1s\"",
                config + ":4: server.alarm-command: expected a command line for /bin/sh -c, such as"
                        + " \"logger -t hpdns $HPDNS_MESSAGE\", got \"\"",
                config + ":5: server.worker-jvm-options[1]: not a JVM option (it must start with -), got \"Xmx2g\"",
                config + ":5: server.worker-jvm-options[2]: the master sets the workers' class path and main class"
                        + " itself, got \"-jar\"",
                config + ":5: server.worker-jvm-options[3]: expected a JVM option such as -Xmx2g, got a list");
    }

    private void write(String yaml) throws IOException {
        Files.writeString(config, yaml);
    }

    private List<String> problems() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> ConfigReader.read(config));
        assertThat(thrown).isInstanceOf(ConfigException.class);
        return ((ConfigException) thrown).problems().stream().map(ConfigProblem::format).toList();
    }

}
