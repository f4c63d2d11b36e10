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

    /** Hands this handler's counts over for good, when its thread is done. */
    void retire();
}
