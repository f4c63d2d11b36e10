package io.hpdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The {@code ADDR:PORT} syntax of listen addresses, as written in the config and on the command line. */
class ListenAddressTest {

    @Test
    void readsIpv4AddressAndPort() {
        ListenAddress address = ListenAddress.parse("127.0.0.1:5353");

        assertThat(address.address()).isEqualTo(InetAddress.ofLiteral("127.0.0.1"));
        assertThat(address.port()).isEqualTo(5353);
    }

    @Test
    void readsIpv6AddressInBrackets() {
        ListenAddress address = ListenAddress.parse("[::1]:53");

        assertThat(address.address()).isEqualTo(InetAddress.ofLiteral("::1"));
        assertThat(address.port()).isEqualTo(53);
    }

    @Test
    void readsTheWildcard() {
        ListenAddress address = ListenAddress.parse("*:53");

        assertThat(address.isWildcard()).isTrue();
        assertThat(address.address()).isNull();
        assertThat(address.port()).isEqualTo(53);
        // Every local address is bound for itself: the wildcard has no one socket address.
        assertThatThrownBy(address::socketAddress).isInstanceOf(IllegalStateException.class);
    }

    /** RFC 5952 §4: the canonical text form of IPv6 addresses. */
    @ParameterizedTest
    @CsvSource({
        "127.0.0.1:5353, 127.0.0.1:5353",
        "*:53, *:53",
        "[::1]:53, [::1]:53",
        "[::]:0, [::]:0",
        "[0:0:0:0:0:0:0:1]:53, [::1]:53",
        "[2001:DB8:0:0:0:0:2:1]:53, [2001:db8::2:1]:53",
        "[2001:db8:0:1:1:1:1:1]:53, [2001:db8:0:1:1:1:1:1]:53",
        "[2001:0:0:1:0:0:0:1]:53, [2001:0:0:1::1]:53",
        "[2001:db8:0:0:1:0:0:1]:53, [2001:db8::1:0:0:1]:53",
        "[fe80:0:0:0:1::]:65535, [fe80::1:0:0:0]:65535",
    })
    void writesTheSyntaxItReads(String text, String canonical) {
        assertThat(ListenAddress.parse(text).toString()).isEqualTo(canonical);
        assertThat(ListenAddress.parse(canonical)).isEqualTo(ListenAddress.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "", "5353", "127.0.0.1", ":53", "[::1]", "1.2.3.4.5:53", "127.0.0:53"})
    void rejectsTextWithoutAddressAndPort(String text) {
        assertThatThrownBy(() -> ListenAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listen address \"" + text + "\": expected ADDR:PORT, e.g. 127.0.0.1:5353 or [::1]:5353");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:53", "ns1.example.com:53"})
    void rejectsHostNames(String text) {
        assertThatThrownBy(() -> ListenAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("listen address \"" + text + "\": host names are not accepted, give an IP address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:", "127.0.0.1:http", "[::1]:123456"})
    void rejectsPortsOutsideTheRange(String text) {
        assertThatThrownBy(() -> ListenAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listen address \"" + text + "\": the port must be a number from 0 to 65535");
    }

    @Test
    void rejectsIpv6WithoutBrackets() {
        assertThatThrownBy(() -> ListenAddress.parse("::1:53"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listen address \"::1:53\": write an IPv6 address in brackets, e.g. [::1]:5353");
    }

    @Test
    void rejectsIpv4InBrackets() {
        assertThatThrownBy(() -> ListenAddress.parse("[127.0.0.1]:53"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("brackets are for IPv6 addresses");
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.1.1.1:53", "[1::2::3]:53", "[fffff::1]:53"})
    void rejectsMalformedAddresses(String text) {
        assertThatThrownBy(() -> ListenAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("listen address \"" + text + "\": ")
                .hasMessageContaining("is not an IPv");
    }

    @Test
    void rejectsPortOutsideTheRangeWhenBuiltDirectly() {
        assertThatThrownBy(() -> new ListenAddress(null, 70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listen port must be between 0 and 65535, got 70000");
    }
}
