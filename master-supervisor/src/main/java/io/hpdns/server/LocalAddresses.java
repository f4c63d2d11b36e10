package io.hpdns.server;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;

/**
 * The local addresses {@code *:PORT} serves: every address of every interface that is up, IPv4
 * and IPv6, loopback included. IPv6 link-local addresses (fe80::/10) are left out: the same
 * address can exist on several links, so a socket for one needs its interface's scope id, and a
 * DNS server is not reached through them in practice.
 */
final class LocalAddresses {

    /** IPv4 before IPv6, then by the address bytes: a stable order for logs and boundAddresses. */
    static final Comparator<InetAddress> ORDER = Comparator
            .comparingInt((InetAddress a) -> a instanceof Inet4Address ? 4 : 6)
            .thenComparing(InetAddress::getAddress, Arrays::compareUnsigned);

    private LocalAddresses() {}

    /**
     * The addresses to serve now, each once, in {@link #ORDER}, without a scope id.
     *
     * @throws SocketException when the system cannot list its interfaces
     */
    static List<InetAddress> current() throws SocketException {
        TreeSet<InetAddress> addresses = new TreeSet<>(ORDER);
        Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
        while (interfaces != null && interfaces.hasMoreElements()) {
            NetworkInterface each = interfaces.nextElement();
            if (!isUp(each)) {
                continue;
            }
            Enumeration<InetAddress> own = each.getInetAddresses();
            while (own.hasMoreElements()) {
                InetAddress address = own.nextElement();
                if (address instanceof Inet6Address && address.isLinkLocalAddress()) {
                    continue;
                }
                addresses.add(withoutScope(address));
            }
        }
        return new ArrayList<>(addresses);
    }

    /** An interface that vanished while being looked at counts as down. */
    private static boolean isUp(NetworkInterface each) {
        try {
            return each.isUp();
        } catch (SocketException e) {
            return false;
        }
    }

    /** The JDK gives every IPv6 address of an interface its scope; only link-local ones need it. */
    private static InetAddress withoutScope(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an interface address of " + address.getAddress().length + " bytes", e);
        }
    }
}
