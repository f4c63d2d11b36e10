package io.hpdns.tcp;

import io.hpdns.query.Exchange;
import io.hpdns.query.QueryProcessor;
import java.io.IOException;
import java.io.OutputStream;

/**
 * What a connection needs only while it answers: a {@link QueryProcessor} with its scratch state,
 * an {@link Exchange} (query and response buffers, the client), and an output batch that collects the
 * framed responses to a pipelined burst so they leave in few writes. Borrowed from an
 * {@link AnswererPool} for one burst, so idle connections hold none of this.
 */
final class TcpAnswerer {

    /** Holds a burst of typical responses; a larger one is written straight through. */
    private static final int BATCH_BYTES = 16 * 1024;

    final QueryProcessor processor;
    final Exchange exchange = new Exchange(Exchange.MAX_MESSAGE);
    private final byte[] batch = new byte[BATCH_BYTES];
    private int batched;

    TcpAnswerer(QueryProcessor processor) {
        this.processor = processor;
    }

    /** Adds the exchange's response, {@code length} octets, with its length prefix, writing the batch first when full. */
    void add(int length, OutputStream out) throws IOException {
        byte[] response = exchange.response();
        if (batched + 2 + length > batch.length) {
            flush(out);
        }
        if (2 + length > batch.length) {
            batch[0] = (byte) (length >>> 8);
            batch[1] = (byte) length;
            out.write(batch, 0, 2);
            out.write(response, 0, length);
            return;
        }
        batch[batched] = (byte) (length >>> 8);
        batch[batched + 1] = (byte) length;
        System.arraycopy(response, 0, batch, batched + 2, length);
        batched += 2 + length;
    }

    /** Writes whatever is batched. */
    void flush(OutputStream out) throws IOException {
        if (batched > 0) {
            int length = batched;
            batched = 0;
            out.write(batch, 0, length);
        }
    }

    /** Drops what is batched, for an answerer returned after its connection failed. */
    void discard() {
        batched = 0;
    }
}
