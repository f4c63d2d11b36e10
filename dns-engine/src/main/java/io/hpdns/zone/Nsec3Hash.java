package io.hpdns.zone;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The hashed owner names of NSEC3 (RFC 5155 §5): SHA-1 of the name in canonical form and the salt,
 * iterated, written as one label in base32hex (RFC 4648 §7), lowercased as a zone's keys are. The
 * base32hex digits sort as the octets of the hash do, so the canonical order of the hashed owners
 * (RFC 4034 §6.1) is the order of the hashes, the order of the NSEC3 chain.
 *
 * <p>An instance keeps its digest and scratch space and is used by one thread; hashing allocates
 * nothing.
 */
public final class Nsec3Hash {
    /** RFC 5155 §11: the only hash algorithm, SHA-1. */
    public static final int SHA1 = 1;
    /** Octets of a SHA-1 hash. */
    private static final int HASH = 20;
    /** Octets of a hashed owner label: its length and 32 base32hex digits. */
    public static final int LABEL = 33;
    private static final VarHandle BIG_END_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final byte[] DIGITS = "0123456789abcdefghijklmnopqrstuv".getBytes(StandardCharsets.US_ASCII);

    /** The zone's NSEC3 parameters, from its NSEC3PARAM (RFC 5155 §4.2). */
    public record Parameters(int algorithm, int iterations, byte[] salt) {
        /** From NSEC3PARAM rdata; null when it is not SHA-1 or is malformed. */
        static Parameters of(byte[] rdata) {
            if (rdata.length < 5 || (rdata[0] & 0xff) != SHA1 || rdata.length != 5 + (rdata[4] & 0xff)) {
                return null;
            }
            byte[] salt = Arrays.copyOfRange(rdata, 5, rdata.length);
            return new Parameters(SHA1, ((rdata[2] & 0xff) << 8) | (rdata[3] & 0xff), salt);
        }

        /** Whether NSEC3 rdata at {@code at} has these parameters (the NSEC3 of this chain, RFC 5155 §7.2). */
        boolean match(MemorySegment layout, long at, int length) {
            if (length < 5 + salt.length || (layout.get(JAVA_BYTE, at) & 0xff) != algorithm
                    || (layout.get(CompiledZone.U16, at + 2) & 0xffff) != iterations
                    || (layout.get(JAVA_BYTE, at + 4) & 0xff) != salt.length) {
                return false;
            }
            return MemorySegment.mismatch(layout, at + 5, at + 5 + salt.length,
                    MemorySegment.ofArray(salt), 0, salt.length) < 0;
        }
    }

    /**
     * The first eight digits of a hashed owner label at the start of {@code label} (after its
     * length octet) as an unsigned number, big end first: heads compare as their labels' first
     * digits do, so a search of the chain compares whole labels only when the heads are equal.
     */
    public static long head(byte[] label) {
        return (long) BIG_END_LONG.get(label, 1);
    }

    /** {@link #head(byte[])} of a label in a segment. */
    public static long head(MemorySegment label) {
        return label.get(CompiledZone.U64, 1);
    }

    private final MessageDigest sha1;
    private final byte[] digest = new byte[HASH];

    public Nsec3Hash() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }

    /**
     * Writes the hashed owner label of the lowercased wire name {@code name[off..off+len)} to
     * {@code out[at..at+LABEL)} (RFC 5155 §5: IH(salt, x, 0) = H(x || salt), IH(salt, x, k) =
     * H(IH(salt, x, k-1) || salt)).
     */
    public void label(byte[] name, int off, int len, Parameters parameters, byte[] out, int at) {
        try {
            sha1.update(name, off, len);
            sha1.update(parameters.salt());
            sha1.digest(digest, 0, HASH);
            for (int k = 0; k < parameters.iterations(); k++) {
                sha1.update(digest);
                sha1.update(parameters.salt());
                sha1.digest(digest, 0, HASH);
            }
        } catch (DigestException e) {
            throw new IllegalStateException("a SHA-1 digest is 20 octets", e);
        }
        out[at] = 32;
        // RFC 4648 §7: five bits per digit, 160 bits in 32 digits.
        for (int i = 0; i < 32; i++) {
            int bit = i * 5;
            int word = ((digest[bit >>> 3] & 0xff) << 8) | ((bit >>> 3) + 1 < HASH ? digest[(bit >>> 3) + 1] & 0xff : 0);
            out[at + 1 + i] = DIGITS[(word >>> (11 - (bit & 7))) & 0x1f];
        }
    }
}
