package io.hpdns.xfr;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An address or a CIDR prefix ({@code 192.0.2.7}, {@code 192.0.2.0/24}, {@code ::1},
 * {@code 2001:db8::/32}) that a transfer access list allows.
 *
 * @param network the address, with the bits past the prefix cleared
 * @param prefix how many leading bits must match: 32 (IPv4) or 128 (IPv6) for a single address
 */
public record AddressRange(InetAddress network, int prefix) {

    public AddressRange {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix length /" + prefix + " is out of range for "
                    + network.getHostAddress() + " (0 to " + bits + ")");
        }
        network = masked(network, prefix);
    }

    /**
     * Parses an IP address literal, optionally followed by {@code /} and a prefix length; no host
     * names.
     *
     * @throws IllegalArgumentException with what is wrong and what is expected
     */
    public static AddressRange parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress network;
        try {
            network = InetAddress.ofLiteral(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address or CIDR prefix: \"" + text
                    + "\" (expected e.g. 192.0.2.1, 192.0.2.0/24, ::1 or 2001:db8::/32)");
        }
        int bits = network.getAddress().length * 8;
        if (slash < 0) {
            return new AddressRange(network, bits);
        }
        String length = trimmed.substring(slash + 1);
        if (!length.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException("not a prefix length: \"" + text + "\" (expected /0 to /" + bits + ")");
        }
        return new AddressRange(network, Integer.parseInt(length));
    }

    /** Whether the address falls in this range; IPv4 never matches an IPv6 range, nor the reverse. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        return masked(address, prefix).equals(network);
    }

    private static InetAddress masked(InetAddress address, int prefix) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.clamp(prefix - i * 8L, 0, 8);
            bytes[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes: cannot happen
        }
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }
}
