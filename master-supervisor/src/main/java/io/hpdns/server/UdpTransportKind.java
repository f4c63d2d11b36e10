package io.hpdns.server;

import java.util.Locale;

/** Which {@link io.hpdns.udp.UdpTransport} serves UDP (config {@code server.udp-transport}). */
public enum UdpTransportKind {
    /** recvmmsg/sendmmsg called directly through the FFM API: the fastest, Linux x86_64 only. */
    FFM,
    /** netty's native epoll transport: the portable fallback. */
    NETTY;

    public static final UdpTransportKind DEFAULT = FFM;

    /** The config spelling, {@code ffm} or {@code netty}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UdpTransportKind parse(String text) {
        for (UdpTransportKind kind : values()) {
            if (kind.configName().equals(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("server.udp-transport must be ffm or netty, got \"" + text + "\"");
    }
}
