package io.hpdns.udp;

import java.net.InetSocketAddress;
import org.slf4j.Logger;

/**
 * The socket buffer sizes every UDP transport asks for: large enough to absorb bursts of a few
 * thousand datagrams between two wake-ups (NSD sets 2 MiB+ for the same reason; the 208 KiB Linux
 * default drops queries under load).
 */
public final class SocketBuffers {
    public static final int REQUESTED_BYTES = 4 << 20;

    private SocketBuffers() {}

    /**
     * Says so when the kernel granted less than requested. Linux reports twice the granted size
     * (socket(7)) and caps requests at {@code net.core.rmem_max} / {@code wmem_max}.
     *
     * @param receiveReported SO_RCVBUF as the kernel reports it
     * @param sendReported SO_SNDBUF as the kernel reports it
     */
    public static void reportGranted(Logger log, InetSocketAddress address, int receiveReported, int sendReported) {
        int receive = receiveReported / 2;
        int send = sendReported / 2;
        if (receive < REQUESTED_BYTES || send < REQUESTED_BYTES) {
            log.info("UDP port {}: the kernel granted socket buffers of {} KiB (receive) and {} KiB (send) of the {} KiB"
                            + " requested; raise net.core.rmem_max and net.core.wmem_max (sysctl) to {} to absorb"
                            + " bursts without drops",
                    address.getPort(), receive >> 10, send >> 10, REQUESTED_BYTES >> 10, REQUESTED_BYTES);
        }
    }
}
