package io.hpdns.server;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.regex.Pattern;

/**
 * An address and port to serve DNS on, over both UDP and TCP, written {@code 127.0.0.1:5353},
 * {@code [::1]:5353} or {@code *:53} (every local address, each bound for itself and followed as
 * addresses come and go: {@link WildcardListener}). Addresses are IP literals only: a server must
 * not depend on name resolution to start, and a name may resolve to many addresses.
 *
 * @param address the local address; null for the wildcard {@code *}
 * @param port 0 to 65535; 0 lets the kernel choose a free port
 */
public record ListenAddress(InetAddress address, int port) {

    private static final String EXAMPLE = "expected ADDR:PORT, e.g. 127.0.0.1:5353 or [::1]:5353";
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    public ListenAddress {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen port must be between 0 and 65535, got " + port);
        }
    }

    /** The address and port a socket of the server is bound to, e.g. to log it. */
    public static ListenAddress of(InetSocketAddress bound) {
        return new ListenAddress(bound.getAddress(), bound.getPort());
    }

    /**
     * Reads {@code ADDR:PORT}: an IPv4 address in dotted-quad form, an IPv6 address in brackets
     * (RFC 3986 §3.2.2), or {@code *}; then a decimal port.
     *
     * @throws IllegalArgumentException with a message that quotes the text and says what is expected
     */
    public static ListenAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw invalid(text, EXAMPLE);
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (host.startsWith("[") && !host.endsWith("]")) {
            throw invalid(text, EXAMPLE);
        }
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
            throw invalid(text, "the port must be a number from 0 to 65535");
        }
        return new ListenAddress(parseHost(text, host), Integer.parseInt(port));
    }

    private static InetAddress parseHost(String text, String host) {
        if (host.equals("*")) {
            return null;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            String literal = host.substring(1, host.length() - 1);
            if (!literal.contains(":")) {
                throw invalid(text, "brackets are for IPv6 addresses; write an IPv4 address without them");
            }
            try {
                return InetAddress.ofLiteral(literal);
            } catch (IllegalArgumentException e) {
                throw invalid(text, "\"" + literal + "\" is not an IPv6 address");
            }
        }
        if (host.contains(":")) {
            throw invalid(text, "write an IPv6 address in brackets, e.g. [::1]:5353");
        }
        if (DOTTED_QUAD.matcher(host).matches()) {
            try {
                return Inet4Address.ofLiteral(host);
            } catch (IllegalArgumentException e) {
                throw invalid(text, "\"" + host + "\" is not an IPv4 address");
            }
        }
        if (host.chars().anyMatch(Character::isLetter)) {
            throw invalid(text, "host names are not accepted, give an IP address; " + EXAMPLE);
        }
        throw invalid(text, EXAMPLE);
    }

    private static IllegalArgumentException invalid(String text, String reason) {
        return new IllegalArgumentException("listen address \"" + text + "\": " + reason);
    }

    /** Whether this is {@code *}, every local address. */
    public boolean isWildcard() {
        return address == null;
    }

    /**
     * The socket address to bind.
     *
     * @throws IllegalStateException for the wildcard, which stands for many addresses
     */
    public InetSocketAddress socketAddress() {
        if (address == null) {
            throw new IllegalStateException(this + " stands for every local address; bind each of them");
        }
        return new InetSocketAddress(address, port);
    }

    /** The same syntax {@link #parse} reads; IPv6 in the RFC 5952 canonical form. */
    @Override
    public String toString() {
        if (address == null) {
            return "*:" + port;
        }
        if (address instanceof Inet6Address v6) {
            return "[" + canonicalText(v6) + "]:" + port;
        }
        return address.getHostAddress() + ":" + port;
    }

    /**
     * RFC 5952 §4: lower-case hex without leading zeros, the longest run of two or more zero groups
     * (the first of equal runs) shortened to {@code ::}; the JDK writes every group out in full.
     */
    private static String canonicalText(Inet6Address address) {
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        int runStart = -1;
        int runLength = 0;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > runLength && j - i >= 2) {
                runStart = i;
                runLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                text.append("::");
                i += runLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        String full = address.getHostAddress();
        int scope = full.indexOf('%');
        return scope < 0 ? text.toString() : text + full.substring(scope);
    }
}
