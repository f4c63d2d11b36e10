package io.hpdns.ctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of {@code hpdns ctl}: a Unix domain socket that only the server's user can use.
 *
 * <p>Protocol, one request per connection: the client sends one line, {@code COMMAND [ARG]...}
 * (UTF-8, words separated by spaces, ended by a newline); the server answers with zero or more
 * lines of output and a final status line, {@code ok} or {@code error: REASON}, then closes.
 *
 * <p>The socket file has mode 0600 from the moment anyone can reach it: it is bound inside a fresh
 * directory of mode 0700 next to the final path, made 0600 there, and only then renamed into place
 * (rename(2) is atomic, and a bound socket keeps working under its new name). Java cannot set the
 * umask, so binding at the final path and changing the mode afterwards would leave a moment in
 * which another user could connect.
 */
public final class ControlSocket implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlSocket.class);
    /** No command needs a longer line; a longer one is not a client of ours. */
    private static final int MAX_REQUEST = 1024;
    /** How long closing waits for requests being answered (a reload in progress, a stop). */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);

    private final Path path;
    private final ServerSocketChannel channel;
    private final ControlHandler handler;
    private final Set<Thread> requests = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlSocket(Path path, ServerSocketChannel channel, ControlHandler handler) {
        this.path = path;
        this.channel = channel;
        this.handler = handler;
        this.acceptor = Thread.ofPlatform().name("hpdns-control").daemon().unstarted(this::acceptLoop);
    }

    /**
     * Creates the socket at {@code path} (and its directory, mode 0700, if missing) and starts
     * answering requests.
     *
     * @throws IOException when another server answers on that path, or the socket cannot be made,
     *     with the path and what to do
     */
    public static ControlSocket open(Path path, ControlHandler handler) throws IOException {
        Path target = path.toAbsolutePath().normalize();
        Path directory = target.getParent();
        try {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("control socket " + path + ": " + directory + " is not a directory");
        }
        if (Files.exists(target) && answers(target)) {
            throw new IOException("control socket " + path + " is in use: another hpdns is running (stop it, or"
                    + " give this one another server.control or --control path)");
        }
        Path privateDirectory = Files.createTempDirectory(directory, ".hpdns-control-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path staging = privateDirectory.resolve("s");
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(staging));
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-------"));
            // Replaces a stale socket left by a server that died without removing it.
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(staging);
            throw new IOException("cannot create control socket " + path + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(privateDirectory);
        }
        ControlSocket socket = new ControlSocket(target, channel, handler);
        socket.acceptor.start();
        log.info("control socket {}", target);
        return socket;
    }

    /** Whether a server accepts connections on this socket file (a stale file refuses them). */
    private static boolean answers(Path target) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(target))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = channel.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.warn("control socket {}: accept failed: {}", path, e.getMessage());
                }
                continue;
            }
            Thread request = Thread.ofVirtual().name("hpdns-control-request").unstarted(() -> answer(client));
            requests.add(request);
            request.start();
        }
    }

    private void answer(SocketChannel client) {
        try (client) {
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8), MAX_REQUEST);
            Writer out = new OutputStreamWriter(Channels.newOutputStream(client), StandardCharsets.UTF_8);
            ControlReply reply = reply(readLine(in));
            for (String line : reply.lines()) {
                out.write(line);
                out.write('\n');
            }
            out.write(reply.statusLine());
            out.write('\n');
            out.flush();
        } catch (SocketException e) {
            log.debug("control client went away: {}", e.getMessage());
        } catch (IOException e) {
            log.warn("control socket {}: {}", path, e.getMessage());
        } finally {
            requests.remove(Thread.currentThread());
        }
    }

    private ControlReply reply(String line) {
        if (line == null) {
            return ControlReply.failed(List.of(), "request too long or not ended by a newline");
        }
        List<String> words = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
        if (words.getFirst().isEmpty()) {
            return ControlReply.failed(List.of(), "empty request");
        }
        try {
            return handler.handle(words.getFirst(), List.copyOf(words.subList(1, words.size())));
        } catch (RuntimeException e) {
            log.error("control command \"{}\" failed", line, e);
            return ControlReply.failed(List.of(), "internal error: " + e);
        }
    }

    /** One line of at most {@link #MAX_REQUEST} characters; null when longer or unterminated. */
    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return line.toString();
            }
            if (line.length() == MAX_REQUEST) {
                return null;
            }
            line.append((char) c);
        }
        return null;
    }

    /** Stops accepting, lets requests being answered finish (up to a grace period), removes the socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing control socket: {}", e.getMessage());
        }
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        for (Thread request : requests) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0 && request != Thread.currentThread()) {
                    request.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("cannot remove control socket {}: {}", path, e.getMessage());
        }
        try {
            acceptor.join(CLOSE_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
