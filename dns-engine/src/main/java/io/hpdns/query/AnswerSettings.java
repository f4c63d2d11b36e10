package io.hpdns.query;

/**
 * Server-wide answering policy, fixed at start-up (and at reload).
 *
 * @param ednsUdpSize UDP payload size this server advertises and accepts at most (RFC 6891 §6.2.5);
 *     1232 by default, the DNS flag day 2020 value that avoids IP fragmentation
 * @param identity answer to CHAOS {@code id.server.} and {@code hostname.bind.} TXT; null hides it
 *     (REFUSED)
 * @param version answer to CHAOS {@code version.bind.} and {@code version.server.} TXT; null hides
 *     it (REFUSED)
 * @param nsid RFC 5001 name server identifier returned when a query asks for it; null disables it
 */
public record AnswerSettings(int ednsUdpSize, String identity, String version, byte[] nsid) {

    public static final int DEFAULT_EDNS_UDP_SIZE = 1232;

    public AnswerSettings {
        if (ednsUdpSize < 512 || ednsUdpSize > 65535) {
            throw new IllegalArgumentException("edns-udp-size must be between 512 and 65535, got " + ednsUdpSize);
        }
        nsid = nsid == null ? null : nsid.clone();
    }

    public static AnswerSettings defaults() {
        return new AnswerSettings(DEFAULT_EDNS_UDP_SIZE, null, null, null);
    }
}
