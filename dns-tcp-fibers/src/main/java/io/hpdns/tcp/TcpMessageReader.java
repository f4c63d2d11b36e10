package io.hpdns.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a TCP byte stream into DNS messages by their two-byte length prefix (RFC 1035 §4.2.2).
 * It reads the socket in large chunks, so a client that pipelines queries (RFC 7766 §6.2.1.1) is
 * served from one read, and it can tell whether the next message is already complete in memory,
 * which is when a response need not be sent yet.
 */
final class TcpMessageReader {

    /** Room for a pipelined burst of typical queries; longer messages bypass it. */
    private static final int BUFFER_BYTES = 16 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int start;
    private int end;

    TcpMessageReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads the next message into {@code message[0..length)}; {@code message} must hold 65535 bytes.
     *
     * @return the message length; 0 for a zero-length message; -1 when the stream ended between two
     *     messages
     * @throws EOFException when the stream ended inside a message
     * @throws java.net.SocketTimeoutException when no byte arrived within the socket's read timeout
     */
    int read(byte[] message) throws IOException {
        if (!fill(2)) {
            if (start == end) {
                return -1;
            }
            throw new EOFException("connection closed inside a length prefix");
        }
        int length = (buffer[start] & 0xff) << 8 | buffer[start + 1] & 0xff;
        start += 2;
        int copied = Math.min(end - start, length);
        System.arraycopy(buffer, start, message, 0, copied);
        start += copied;
        while (copied < length) {
            int read = in.read(message, copied, length - copied);
            if (read < 0) {
                throw new EOFException("connection closed after " + copied + " of " + length + " message bytes");
            }
            copied += read;
        }
        return length;
    }

    /** Whether a whole message, prefix and body, is already buffered. */
    boolean hasCompleteMessage() {
        int buffered = end - start;
        return buffered >= 2 && buffered - 2 >= ((buffer[start] & 0xff) << 8 | buffer[start + 1] & 0xff);
    }

    /** Makes at least {@code count} bytes available from {@code start}; false at end of stream. */
    private boolean fill(int count) throws IOException {
        if (end - start >= count) {
            return true;
        }
        System.arraycopy(buffer, start, buffer, 0, end - start);
        end -= start;
        start = 0;
        while (end < count) {
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
                return false;
            }
            end += read;
        }
        return true;
    }
}
