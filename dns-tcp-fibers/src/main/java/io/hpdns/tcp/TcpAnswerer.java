package io.hpdns.tcp;

import io.hpdns.query.QueryProcessor;
import java.io.IOException;
import java.io.OutputStream;

/**
 * What a connection needs only while it answers: a {@link QueryProcessor} with its scratch state,
 * a query buffer, a response buffer that fits any answer, and an output batch that collects the
 * framed responses to a pipelined burst so they leave in few writes. Borrowed from an
 * {@link AnswererPool} for one burst, so idle connections hold none of this.
 */
final class TcpAnswerer {

    /** The largest message a two-byte length prefix can announce. */
    static final int MAX_MESSAGE = 65535;

    /** Holds a burst of typical responses; a larger one is written straight through. */
    private static final int BATCH_BYTES = 16 * 1024;

    final QueryProcessor processor;
    final byte[] query = new byte[MAX_MESSAGE];
    final byte[] response = new byte[QueryProcessor.MAX_RESPONSE];
    private final byte[] batch = new byte[BATCH_BYTES];
    private int batched;

    TcpAnswerer(QueryProcessor processor) {
        this.processor = processor;
    }

    /** Adds {@code response[0..length)} with its length prefix, writing the batch first when full. */
    void add(int length, OutputStream out) throws IOException {
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
