package io.hpdns.conf;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The {@code nsid} setting: RFC 5001 §2.3 makes the identifier opaque bytes, so it is written
 * either as text (sent as its UTF-8 bytes) or, like Knot DNS's {@code nsid}, as hex after
 * {@code 0x}. The empty string turns NSID off.
 */
final class NsidSyntax {

    /**
     * The same bound as the identity (a TXT string, RFC 1035 §3.3), which is the default NSID; it
     * keeps the OPT record from crowding answers out of a 1232-byte UDP response.
     */
    static final int MAX_BYTES = 255;

    private NsidSyntax() {}

    /**
     * @return the identifier bytes, or null for the empty string (NSID off)
     * @throws IllegalArgumentException for bad hex or an identifier longer than {@link #MAX_BYTES}
     */
    static byte[] parse(String text) {
        if (text.isEmpty()) {
            return null;
        }
        byte[] bytes;
        if (text.length() > 2 && (text.startsWith("0x") || text.startsWith("0X"))) {
            String hex = text.substring(2);
            if (hex.length() % 2 != 0) {
                throw new IllegalArgumentException("hex needs an even number of digits");
            }
            try {
                bytes = HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not hex after 0x");
            }
        } else {
            bytes = text.getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("longer than " + MAX_BYTES + " bytes");
        }
        return bytes;
    }
}
