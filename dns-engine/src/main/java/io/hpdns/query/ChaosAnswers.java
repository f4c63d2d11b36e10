package io.hpdns.query;

import io.hpdns.wire.WireNames;
import java.nio.charset.StandardCharsets;

/**
 * The CHAOS-class TXT names servers answer about themselves: {@code id.server.} and
 * {@code hostname.bind.} with the identity (RFC 4892 §2), {@code version.bind.} and
 * {@code version.server.} with the version. Either can be hidden, which refuses the query.
 */
final class ChaosAnswers {
    /** Answered with TTL 0, as other servers do: the answer describes this server, now. */
    static final int TTL = 0;
    private static final byte[][] IDENTITY_NAMES = {wire("id", "server"), wire("hostname", "bind")};
    private static final byte[][] VERSION_NAMES = {wire("version", "bind"), wire("version", "server")};

    private final byte[] identity;
    private final byte[] version;

    ChaosAnswers(String identity, String version) {
        this.identity = identity == null ? null : txt(identity);
        this.version = version == null ? null : txt(version);
    }

    /**
     * The one TXT record for the lowercased name, length-prefixed as RRset data, or null when the
     * name is unknown or hidden.
     */
    byte[] find(byte[] qname) {
        for (byte[] n : IDENTITY_NAMES) {
            if (WireNames.equalsIgnoreCase(n, 0, qname, 0)) {
                return identity;
            }
        }
        for (byte[] n : VERSION_NAMES) {
            if (WireNames.equalsIgnoreCase(n, 0, qname, 0)) {
                return version;
            }
        }
        return null;
    }

    /** TXT rdata: the text as character-strings of at most 255 octets each (RFC 1035 §3.3.14). */
    private static byte[] txt(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int chunks = Math.max(1, (bytes.length + 254) / 255);
        int length = bytes.length + chunks;
        byte[] rdata = new byte[2 + length];
        rdata[0] = (byte) (length >>> 8);
        rdata[1] = (byte) length;
        int p = 2;
        for (int i = 0; i < chunks; i++) {
            int n = Math.min(255, bytes.length - i * 255);
            rdata[p++] = (byte) n;
            System.arraycopy(bytes, i * 255, rdata, p, n);
            p += n;
        }
        return rdata;
    }

    private static byte[] wire(String first, String second) {
        byte[] name = new byte[first.length() + second.length() + 3];
        name[0] = (byte) first.length();
        System.arraycopy(first.getBytes(StandardCharsets.US_ASCII), 0, name, 1, first.length());
        name[first.length() + 1] = (byte) second.length();
        System.arraycopy(second.getBytes(StandardCharsets.US_ASCII), 0, name, first.length() + 2, second.length());
        name[name.length - 1] = 0;
        return name;
    }
}
