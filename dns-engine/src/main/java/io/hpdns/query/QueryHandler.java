package io.hpdns.query;

/**
 * What a UDP transport thread answers its datagrams with: one {@link Exchange} in, a response in
 * its buffer out. {@link QueryProcessor} is the engine's; the transports know no more than this.
 */
public interface QueryHandler {

    /**
     * Answers the exchange's request into its response buffer.
     *
     * @return the response length, or -1 when nothing is to be sent
     */
    int answer(Exchange exchange);

    /**
     * The longest response it writes to a query over UDP, for the transport's preallocated
     * buffers: the 64 KiB of the DNS message format unless the handler bounds it lower.
     */
    default int maxUdpResponse() {
        return 65535;
    }

    /** Hands this handler's counts over for good, when its thread is done. */
    void retire();
}
