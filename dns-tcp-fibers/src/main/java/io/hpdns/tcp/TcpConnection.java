package io.hpdns.tcp;

import io.hpdns.query.Exchange;
import io.hpdns.query.Protocol;
import io.hpdns.query.QueryProcessor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * One client's DNS-over-TCP connection, served by its own virtual thread as plain blocking code:
 * read a length-prefixed query, answer it, repeat (RFC 7766 §6.2.1: a connection carries many
 * queries). While idle it holds only its socket and a small read buffer; for each burst of queries
 * it borrows an answerer (processor and buffers) from the server's pool, answers every complete
 * query, sends the responses together and gives the answerer back.
 */
final class TcpConnection {

    private final Socket socket;
    private final InetAddress client;
    /** The client's address octets and port, copied into each burst's exchange without allocating. */
    private final byte[] clientOctets;
    private final int clientPort;
    private final TcpServer server;
    /** When the connection last began waiting for a new message; 0 while it reads or answers one. */
    private volatile long idleSinceNanos;
    /** When a write to the client began; 0 when none is under way. */
    private volatile long writeSinceNanos;
    /** A zone transfer request met in the last burst, to serve before reading on; null when none. */
    private byte[] transferRequest;
    /** Guarded by the server's admission lock: whether this connection still counts against the limits. */
    boolean counted = true;

    TcpConnection(Socket socket, TcpServer server) {
        this.socket = socket;
        this.client = socket.getInetAddress();
        this.clientOctets = client.getAddress();
        this.clientPort = socket.getPort();
        this.server = server;
    }

    Socket socket() {
        return socket;
    }

    InetAddress client() {
        return client;
    }

    /** When it became idle (System.nanoTime), or 0 when it is busy. */
    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /** Marks the connection idle (waiting for a new message to begin) or busy. */
    void idle(boolean waiting) {
        idleSinceNanos = waiting ? System.nanoTime() : 0;
    }

    /** When its current write began (System.nanoTime), or 0 when it is not writing. */
    long writeSinceNanos() {
        return writeSinceNanos;
    }

    /**
     * Answers queries until the client closes the connection or sends a zero-length message (a
     * normal return), or until a timeout or a broken stream ends it (an {@link IOException}).
     */
    void serve() throws IOException {
        // Responses are already batched by the explicit flushes; Nagle would only hold back the
        // last response of each batch until the client acknowledged the previous segment.
        socket.setTcpNoDelay(true);
        TcpPolicy policy = server.policy();
        TcpMessageReader in = new TcpMessageReader(this, (int) policy.idleTimeout().toMillis(),
                policy.messageTimeout().toNanos());
        OutputStream out = new WatchedOutput(socket.getOutputStream());
        while (true) {
            int length = in.next();
            if (length <= 0) {
                // -1: the client closed between messages. 0: a zero-length message, which no DNS
                // message can be (RFC 1035 §4.1.1 header alone is 12 bytes): stop reading this stream.
                return;
            }
            if (!answerBurst(in, length, out)) {
                return;
            }
            if (transferRequest != null) {
                // After the burst gave its answerer back: a transfer may wait for its turn and then
                // stream for long, and must not hold a pooled answerer all that time.
                byte[] request = transferRequest;
                transferRequest = null;
                server.transfers().transfer(request, request.length, client, out);
            }
        }
    }

    /**
     * Answers the message just read and every further one already complete in memory, then sends
     * the batched responses. False when a zero-length message ended the stream.
     */
    private boolean answerBurst(TcpMessageReader in, int firstLength, OutputStream out) throws IOException {
        AnswererPool pool = server.answerers();
        TcpAnswerer answerer = pool.borrow();
        try {
            Exchange exchange = answerer.exchange;
            System.arraycopy(clientOctets, 0, exchange.clientAddress(), 0, clientOctets.length);
            exchange.client(clientOctets.length, clientPort);
            int length = firstLength;
            while (true) {
                System.arraycopy(in.buffer(), in.messageStart(), exchange.request(), 0, length);
                exchange.received(length, Protocol.TCP, System.nanoTime());
                int responseLength = answerer.processor.answer(exchange);
                if (responseLength == QueryProcessor.TRANSFER) {
                    // Answers to the queries before it go first; the transfer runs once the
                    // answerer is back in the pool (see serve), then the queries after it.
                    transferRequest = java.util.Arrays.copyOf(exchange.request(), length);
                    break;
                } else if (responseLength > 0) {
                    answerer.add(responseLength, out);
                }
                if (!in.hasCompleteMessage()) {
                    break;
                }
                length = in.next();
                if (length <= 0) {
                    answerer.flush(out);
                    return false;
                }
            }
            answerer.flush(out);
            return true;
        } catch (IOException | RuntimeException e) {
            answerer.discard();
            throw e;
        } finally {
            pool.release(answerer);
        }
    }

    /**
     * Marks the time each write starts, so the server's sweeper can close a connection whose
     * client stopped reading (a blocking socket write has no timeout of its own).
     */
    private final class WatchedOutput extends OutputStream {
        private final OutputStream out;

        WatchedOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            writeSinceNanos = System.nanoTime();
            try {
                out.write(b);
            } finally {
                writeSinceNanos = 0;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writeSinceNanos = System.nanoTime();
            try {
                out.write(b, off, len);
            } finally {
                writeSinceNanos = 0;
            }
        }
    }
}
