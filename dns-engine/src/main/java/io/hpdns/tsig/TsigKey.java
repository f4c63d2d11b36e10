package io.hpdns.tsig;

import java.util.Arrays;
import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;

/**
 * A TSIG shared secret (RFC 8945 §2): its name, its HMAC algorithm and the secret. The secret
 * never appears in {@link #toString()}, so a key can be logged or shown in an error safely.
 *
 * @param name the key name, absolute, as both sides configure it
 * @param algorithm the algorithm name, e.g. {@code hmac-sha256.} (RFC 8945 §6)
 * @param secret the shared secret (decoded from base64)
 */
public record TsigKey(Name name, Name algorithm, byte[] secret) {

    /** Longest MAC of the supported algorithms: HMAC-SHA512. */
    private static final int MAX_MAC = 64;

    public TsigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(algorithm, "algorithm");
        secret = secret.clone();
        if (!name.isAbsolute()) {
            throw new IllegalArgumentException("TSIG key name must be absolute: " + name);
        }
    }

    /** dnsjava's signer and verifier for this key. */
    public TSIG signer() {
        return new TSIG(algorithm, name, secret);
    }

    /**
     * Bytes a TSIG record of this key can take at most in a response (RFC 8945 §4.2): owner, type,
     * class, TTL, RDLENGTH, algorithm, time, fudge, MAC size, the longest MAC, original ID, error
     * and six octets of other data (BADTIME's server time).
     */
    public int recordRoom() {
        return name.length() + 10 + algorithm.length() + 6 + 2 + 2 + MAX_MAC + 2 + 2 + 2 + 6;
    }

    @Override
    public String toString() {
        return "TSIG key " + name + " (" + algorithm + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TsigKey k && name.equals(k.name) && algorithm.equals(k.algorithm)
                && Arrays.equals(secret, k.secret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, algorithm, Arrays.hashCode(secret));
    }
}
