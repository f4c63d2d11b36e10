package io.hpdns.tcp;

import io.hpdns.query.Protocol;
import io.hpdns.query.QueryProcessor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * One client's DNS-over-TCP connection, served by its own virtual thread as plain blocking code:
 * read a length-prefixed query, answer it, repeat (RFC 7766 §6.2.1: a connection carries many
 * queries). Responses are buffered and sent when no further complete query is waiting, so a
 * pipelined burst of queries goes back in a few segments instead of one per response.
 */
final class TcpConnection {

    /** The largest message a two-byte length prefix can announce. */
    private static final int MAX_MESSAGE = 65535;

    /** Holds a burst of typical responses; a larger one is written straight through. */
    private static final int OUTPUT_BUFFER_BYTES = 16 * 1024;

    private final Socket socket;
    private final QueryProcessor processor;
    private final int idleTimeoutMillis;
    private final byte[] query = new byte[MAX_MESSAGE];
    private final byte[] response = new byte[QueryProcessor.MAX_RESPONSE];

    TcpConnection(Socket socket, QueryProcessor processor, int idleTimeoutMillis) {
        this.socket = socket;
        this.processor = processor;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    /**
     * Answers queries until the client closes the connection or sends a zero-length message (a
     * normal return), or until it stays silent for the idle timeout (RFC 7766 §6.2.3) or ends the
     * stream inside a message (an {@link IOException}).
     */
    void serve() throws IOException {
        // The timeout bounds every read, so a client trickling a message byte by byte is cut off too.
        socket.setSoTimeout(idleTimeoutMillis);
        // Responses are already batched by the explicit flushes below; Nagle would only hold back
        // the last response of each batch until the client acknowledged the previous segment.
        socket.setTcpNoDelay(true);
        TcpMessageReader in = new TcpMessageReader(socket.getInputStream());
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), OUTPUT_BUFFER_BYTES);
        while (true) {
            int length = in.read(query);
            if (length <= 0) {
                // -1: the client closed between messages. 0: a zero-length message, which no DNS
                // message can be (RFC 1035 §4.1.1 header alone is 12 bytes): stop reading this stream.
                return;
            }
            int responseLength = processor.process(query, length, response, Protocol.TCP);
            if (responseLength > 0) {
                out.write(responseLength >>> 8);
                out.write(responseLength);
                out.write(response, 0, responseLength);
            }
            if (!in.hasCompleteMessage()) {
                out.flush();
            }
        }
    }
}
