package io.hpdns.tcp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;

/**
 * Answers a zone transfer request (AXFR, RFC 5936; IXFR, RFC 1995) on a TCP connection, writing as
 * many length-prefixed messages as the transfer takes. Called on the connection's virtual thread.
 */
public interface ZoneTransfers {

    /**
     * @param query the request, {@code query[0..length)}
     * @param client the address the connection comes from, for the access list
     * @param out the connection's output; every message written must be length-prefixed
     */
    void transfer(byte[] query, int length, InetAddress client, OutputStream out) throws IOException;
}
