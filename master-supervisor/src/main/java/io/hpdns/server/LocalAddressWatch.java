package io.hpdns.server;

import io.hpdns.log.ThrottledWarning;
import java.net.InetAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the local addresses every interval and lets each {@link WildcardListener} follow them.
 * Polling (one cheap pass over the interfaces) keeps this plain Java, with no netlink socket; an
 * address added or removed is served or dropped within one interval.
 */
final class LocalAddressWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalAddressWatch.class);

    private final Duration interval;
    private final List<WildcardListener> listeners;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final ThrottledWarning failures =
            new ThrottledWarning(log, "cannot follow the local addresses", Duration.ofMinutes(1));
    private final Thread thread;

    LocalAddressWatch(Duration interval, List<WildcardListener> listeners) {
        this.interval = interval;
        this.listeners = List.copyOf(listeners);
        this.thread = Thread.ofPlatform().daemon().name("hpdns-addresses").start(this::run);
    }

    Duration interval() {
        return interval;
    }

    private void run() {
        try {
            while (!stop.await(interval.toNanos(), TimeUnit.NANOSECONDS)) {
                look();
            }
        } catch (InterruptedException e) {
            // Only close() stops the watch; an interrupt from elsewhere ends it too.
        }
    }

    private void look() {
        List<InetAddress> current;
        try {
            current = LocalAddresses.current();
        } catch (SocketException e) {
            failures.occurred("listing the network interfaces failed: " + e.getMessage(), null);
            return;
        }
        for (WildcardListener listener : listeners) {
            try {
                listener.follow(current);
            } catch (RuntimeException e) {
                failures.occurred(listener.listen() + ": " + e, e);
            }
        }
    }

    /** Stops watching; a pass under way finishes first, so no bind happens after this returns. */
    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
