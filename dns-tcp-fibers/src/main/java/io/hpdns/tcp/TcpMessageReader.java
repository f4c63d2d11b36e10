package io.hpdns.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Splits a TCP byte stream into DNS messages by their two-byte length prefix (RFC 1035 §4.2.2),
 * with the two clocks of RFC 7766 §6.2.3: the idle timeout while no message has begun, and a
 * deadline for a message once its first byte is in (so a client trickling bytes, slowloris, is cut
 * off). It reads the socket in chunks into a small buffer, so a pipelined burst (RFC 7766 §6.2.1.1)
 * is served from few reads, and it can tell whether the next message is already complete in memory.
 * The buffer is small because every idle connection keeps one; it grows for a longer message and
 * shrinks back once that is consumed.
 */
final class TcpMessageReader {

    /** Holds a burst of typical queries (30 to 100 octets each); longer messages grow it. */
    static final int BUFFER_BYTES = 1024;

    private final Socket socket;
    private final TcpConnection connection;
    private final InputStream in;
    private final int idleMillis;
    private final long messageNanos;
    private byte[] buffer = new byte[BUFFER_BYTES];
    private int start;
    private int end;
    private int messageStart;
    private int currentTimeout = -1;

    TcpMessageReader(TcpConnection connection, int idleMillis, long messageNanos) throws IOException {
        this.connection = connection;
        this.socket = connection.socket();
        this.in = socket.getInputStream();
        this.idleMillis = idleMillis;
        this.messageNanos = messageNanos;
    }

    /**
     * Reads the next message; it is then {@code buffer()[messageStart() .. messageStart() + length)},
     * valid until the next call.
     *
     * @return the message length; 0 for a zero-length message; -1 when the stream ended between two
     *     messages
     * @throws EOFException when the stream ended inside a message
     * @throws SocketTimeoutException when no message began within the idle timeout, or a message
     *     did not complete within the message timeout
     */
    int next() throws IOException {
        if (start == end) {
            start = end = 0;
            if (buffer.length != BUFFER_BYTES) {
                buffer = new byte[BUFFER_BYTES];
            }
            timeout(idleMillis);
            connection.idle(true);
            int read = in.read(buffer, 0, buffer.length);
            connection.idle(false);
            if (read < 0) {
                return -1;
            }
            end = read;
        }
        long deadline = 0;
        if (end - start < 2) {
            deadline = System.nanoTime() + messageNanos;
            fill(2, deadline);
        }
        int length = (buffer[start] & 0xff) << 8 | buffer[start + 1] & 0xff;
        if (end - start < 2 + length) {
            fill(2 + length, deadline == 0 ? System.nanoTime() + messageNanos : deadline);
        }
        messageStart = start + 2;
        start += 2 + length;
        return length;
    }

    byte[] buffer() {
        return buffer;
    }

    int messageStart() {
        return messageStart;
    }

    /** Whether a whole message, prefix and body, is already buffered. */
    boolean hasCompleteMessage() {
        int buffered = end - start;
        return buffered >= 2 && buffered - 2 >= ((buffer[start] & 0xff) << 8 | buffer[start + 1] & 0xff);
    }

    /** Makes {@code count} bytes available from {@code start}, reading until the deadline. */
    private void fill(int count, long deadlineNanos) throws IOException {
        if (buffer.length - start < count) {
            byte[] target = count > buffer.length ? new byte[count] : buffer;
            System.arraycopy(buffer, start, target, 0, end - start);
            buffer = target;
            end -= start;
            start = 0;
        }
        while (end - start < count) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                throw new SocketTimeoutException("message not complete " + messageNanos / 1_000_000
                        + " ms after its first byte (" + (end - start) + " of " + count + " octets)");
            }
            timeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining / 1_000_000)));
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
                throw new EOFException("connection closed after " + (end - start) + " of " + count + " octets of a message");
            }
            end += read;
        }
    }

    private void timeout(int millis) throws IOException {
        if (millis != currentTimeout) {
            socket.setSoTimeout(millis);
            currentTimeout = millis;
        }
    }
}
