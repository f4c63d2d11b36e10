package io.hpdns.query;

/** The transport a query arrived on; it decides the response size limit and ANY handling. */
public enum Protocol {
    /** Limited to 512 bytes, or the EDNS(0) payload size both sides accept (RFC 6891 §6.2.5). */
    UDP,
    /** Limited only by the 16-bit length prefix (RFC 7766 §8); never truncated. */
    TCP
}
