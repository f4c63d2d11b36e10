package io.hpdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of the serving options, with messages in terms of the configuration keys. */
class ServerOptionsTest {

    private static final List<ListenAddress> LOOPBACK = List.of(ListenAddress.parse("127.0.0.1:5353"));

    @Test
    void defaultsAreTwoUdpThreadsTenSecondsIdleAndTenThousandConnections() {
        ServerOptions options = ServerOptions.withDefaults(LOOPBACK);

        assertThat(options.listen()).isEqualTo(LOOPBACK);
        assertThat(options.udpThreads()).isEqualTo(2);
        assertThat(options.tcpIdleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.tcpMaxConnections()).isEqualTo(10_000);
    }

    @Test
    void rejectsAnEmptyListenList() {
        assertThatThrownBy(() -> ServerOptions.withDefaults(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("server.listen is empty");
    }

    @Test
    void rejectsTheSameAddressTwice() {
        List<ListenAddress> twice = List.of(ListenAddress.parse("[::1]:53"), ListenAddress.parse("[0::1]:53"));

        assertThatThrownBy(() -> ServerOptions.withDefaults(twice))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server.listen has [::1]:53 twice");
    }

    @Test
    void rejectsAnAddressTheWildcardAlreadyCovers() {
        List<ListenAddress> overlapping = List.of(ListenAddress.parse("*:53"), ListenAddress.parse("127.0.0.1:53"));

        assertThatThrownBy(() -> ServerOptions.withDefaults(overlapping))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("server.listen has both *:53 and 127.0.0.1:53");
    }

    @Test
    void acceptsPortZeroMoreThanOnceBecauseEachGetsItsOwnPort() {
        List<ListenAddress> ephemeral = List.of(ListenAddress.parse("127.0.0.1:0"), ListenAddress.parse("127.0.0.1:0"));

        assertThat(ServerOptions.withDefaults(ephemeral).listen()).hasSize(2);
    }

    @Test
    void rejectsUdpThreadsOutsideTheRange() {
        assertThatThrownBy(() -> new ServerOptions(LOOPBACK, 0, Duration.ofSeconds(10), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server.udp-threads must be between 1 and 1024, got 0");
    }

    @Test
    void rejectsIdleTimeoutsOutsideTheRange() {
        assertThatThrownBy(() -> new ServerOptions(LOOPBACK, 1, Duration.ZERO, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("server.tcp.idle-timeout must be between 1ms and 1h");
        assertThatThrownBy(() -> new ServerOptions(LOOPBACK, 1, Duration.ofHours(2), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("server.tcp.idle-timeout must be between 1ms and 1h");
    }

    @Test
    void rejectsMaxConnectionsOutsideTheRange() {
        assertThatThrownBy(() -> new ServerOptions(LOOPBACK, 1, Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server.tcp.max-connections must be between 1 and 1000000, got 0");
    }
}
