package io.hpdns.udp.ffm;

import java.io.IOException;

/**
 * Path MTU discovery turned off on a UDP socket opened by another transport (the netty one), as
 * {@link FfmUdpTransport} does for its own: see {@code LinuxSockets.omitPathMtuDiscovery}.
 */
public final class PathMtuDiscovery {

    private PathMtuDiscovery() {
    }

    /** Makes the socket {@code fd} ignore path MTU information (IP_PMTUDISC_OMIT / IPV6_PMTUDISC_OMIT). */
    public static void omit(int fd, boolean ipv6) throws IOException {
        LinuxSockets.omitPathMtuDiscovery(fd, ipv6);
    }
}
