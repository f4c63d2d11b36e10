package io.hpdns.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code *:PORT}: every local address gets sockets of its own, so a UDP reply leaves from
 * the address its query was sent to (a client drops a reply from any other, and one wildcard
 * socket would let the routing table pick the source on a host with several addresses). The
 * addresses are followed as they come and go: {@link #follow} binds the new ones and unbinds the
 * ones that disappeared.
 *
 * <p>An address that cannot be bound (an IPv6 address still tentative during duplicate address
 * detection, a port another process holds on that one address) is logged once and tried again at
 * every {@link #follow}, until it is bound or disappears.
 */
final class WildcardListener {

    private static final Logger log = LoggerFactory.getLogger(WildcardListener.class);

    private final ListenAddress listen;
    private final ServingSockets sockets;
    /** The port served: the configured one, or the one the kernel chose for the first address of {@code *:0}. */
    private int port;
    private final Map<InetAddress, InetSocketAddress> bound = new TreeMap<>(LocalAddresses.ORDER);
    /** Addresses whose bind failed and was logged; retried at every follow, logged again only after a success. */
    private final Set<InetAddress> failing = new HashSet<>();

    WildcardListener(ListenAddress listen, ServingSockets sockets) {
        if (!listen.isWildcard()) {
            throw new IllegalArgumentException(listen + " is no wildcard listen address");
        }
        this.listen = listen;
        this.sockets = sockets;
        this.port = listen.port();
    }

    /** The port served on every address; the kernel's choice once the first address is bound for {@code *:0}. */
    synchronized int port() {
        return port;
    }

    ListenAddress listen() {
        return listen;
    }

    /**
     * Binds the local addresses at start-up. Addresses that fail are logged and retried by {@link
     * #follow}, unless every one failed: then the server cannot serve {@code *:PORT} at all.
     *
     * @throws IOException the first failure, when no address could be bound; a {@link
     *     ServingSockets.ChosenPortTaken} when the port the kernel chose for {@code *:0} is taken
     *     on another address (the caller tries another port)
     */
    synchronized void start(List<InetAddress> addresses) throws IOException {
        if (addresses.isEmpty()) {
            log.warn("{}: no interface is up with an address to serve; serving none until one appears", listen);
        }
        List<IOException> failures = new ArrayList<>();
        List<InetAddress> failed = new ArrayList<>();
        for (InetAddress address : addresses) {
            try {
                bind(address);
            } catch (ServingSockets.ChosenPortTaken e) {
                throw e;
            } catch (IOException e) {
                failures.add(e);
                failed.add(address);
            }
        }
        if (bound.isEmpty() && !failures.isEmpty()) {
            throw failures.getFirst();
        }
        for (int i = 0; i < failed.size(); i++) {
            cannotServe(failed.get(i), failures.get(i));
        }
    }

    /**
     * Makes the served addresses what {@code current} lists: unbinds the ones no longer there, binds
     * the new ones (and those that failed before), logging each change. Never throws.
     *
     * @param current the local addresses now, as {@link LocalAddresses#current()} lists them
     */
    synchronized void follow(List<InetAddress> current) {
        Set<InetAddress> present = new HashSet<>(current);
        List<InetAddress> gone = new ArrayList<>();
        for (InetAddress address : bound.keySet()) {
            if (!present.contains(address)) {
                gone.add(address);
            }
        }
        for (InetAddress address : gone) {
            InetSocketAddress served = bound.remove(address);
            sockets.unbind(served);
            log.info("stopped serving {}: address removed", ListenAddress.of(served));
        }
        failing.retainAll(present);
        for (InetAddress address : current) {
            if (bound.containsKey(address)) {
                continue;
            }
            try {
                InetSocketAddress served = bind(address);
                failing.remove(address);
                log.info("now serving {} (udp+tcp)", ListenAddress.of(served));
            } catch (IOException e) {
                cannotServe(address, e);
            }
        }
    }

    private InetSocketAddress bind(InetAddress address) throws IOException {
        boolean portChosen = listen.port() == 0 && port != 0;
        InetSocketAddress served = sockets.bind(new ListenAddress(address, port), portChosen);
        port = served.getPort();
        bound.put(address, served);
        return served;
    }

    private void cannotServe(InetAddress address, IOException e) {
        if (failing.add(address)) {
            log.warn("{} does not serve {} yet: {}; trying again while the address exists", listen,
                    new ListenAddress(address, port), e.getMessage());
        }
    }

    /** The addresses served now, IPv4 first, with the port. */
    synchronized List<InetSocketAddress> bound() {
        return List.copyOf(bound.values());
    }
}
