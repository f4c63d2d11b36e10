package io.hpdns.notify;

import io.hpdns.tsig.TsigKey;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Where a zone's NOTIFY messages go (RFC 1996 §3.1: the secondaries the primary knows of), and the
 * TSIG key that signs them, if any.
 *
 * @param addresses each secondary's address and port, in configuration order
 * @param key signs every NOTIFY (RFC 8945) when not null, so a secondary that requires it accepts it
 */
public record NotifyTargets(List<InetSocketAddress> addresses, TsigKey key) {

    /** A zone that notifies nobody. */
    public static final NotifyTargets NONE = new NotifyTargets(List.of(), null);

    public NotifyTargets {
        addresses = List.copyOf(addresses);
    }

    public boolean isEmpty() {
        return addresses.isEmpty();
    }
}
