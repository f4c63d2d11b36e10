package io.hpdns.ctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code hpdns ctl} side of the control socket: one request, one reply (see {@link ControlSocket}). */
public final class ControlClient {

    private ControlClient() {}

    /**
     * Sends one request line and reads the whole reply; waits as long as the command takes (a
     * reload of a large zone takes seconds).
     *
     * @throws ControlUnavailable when no server can be reached on {@code path}, saying why and what to do
     */
    public static ControlReply send(Path path, String request) throws ControlUnavailable {
        if (!Files.exists(path)) {
            throw new ControlUnavailable("no hpdns server is running: control socket " + path + " does not exist"
                    + " (start the server, or give the server's --control path)");
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                throw new ControlUnavailable(connectFailure(path, e));
            }
            ByteBuffer line = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (line.hasRemaining()) {
                channel.write(line);
            }
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            List<String> received = new ArrayList<>();
            String text;
            while ((text = in.readLine()) != null) {
                received.add(text);
            }
            ControlReply reply = ControlReply.parse(received);
            if (reply == null) {
                throw new ControlUnavailable("the server on " + path + " closed the connection without a complete"
                        + " reply (it may have stopped or crashed; see its log)");
            }
            return reply;
        } catch (IOException e) {
            throw new ControlUnavailable("control socket " + path + ": " + e.getMessage());
        }
    }

    /** The system's reason, in the operator's terms (strerror wording, as the JDK reports it). */
    private static String connectFailure(Path path, IOException e) {
        String reason = String.valueOf(e.getMessage());
        if (reason.contains("Permission denied")) {
            return "permission denied on control socket " + path + " (it is readable by the server's user only:"
                    + " run ctl as that user)";
        }
        if (reason.contains("Connection refused")) {
            return "no hpdns server is running: nothing listens on control socket " + path
                    + " (a stale file from a server that died; start the server)";
        }
        return "cannot connect to control socket " + path + ": " + reason;
    }

    /** No server could be reached; the message says why and what to do. */
    public static final class ControlUnavailable extends Exception {
        ControlUnavailable(String message) {
            super(message, null, false, false);
        }
    }
}
