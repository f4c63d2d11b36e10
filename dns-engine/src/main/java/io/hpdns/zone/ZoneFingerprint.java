package io.hpdns.zone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a zone was built from: the SHA-256 of the master file and of each file it {@code $INCLUDE}d.
 * A reload rebuilds a zone only when one of these contents changed. Contents rather than the SOA
 * serial, because an operator who fixes a record and forgets the serial still expects the fix to
 * be served; contents rather than size and mtime, because an edit within the same second with the
 * same length (a changed address, say) must not be missed.
 */
public final class ZoneFingerprint {

    private final List<Path> files;
    private final List<byte[]> digests;

    /** @param digests the SHA-256 of each of the files, in the same order */
    ZoneFingerprint(List<Path> files, List<byte[]> digests) {
        this.files = List.copyOf(files);
        this.digests = List.copyOf(digests);
    }

    /**
     * The fingerprint of a zone just loaded. The master file's digest is taken before loading (by
     * {@link #digest}), so an edit made while the zone loads is seen as a change by the next reload;
     * the included files are only known after loading and are digested then.
     *
     * @param files the files the load read, the master file first ({@link ZoneLoadResult#files()})
     * @param masterDigest the master file's digest from before the load
     */
    public static ZoneFingerprint of(List<Path> files, byte[] masterDigest) {
        List<byte[]> digests = new ArrayList<>(files.size());
        digests.add(masterDigest);
        for (int i = 1; i < files.size(); i++) {
            digests.add(digest(files.get(i)));
        }
        return new ZoneFingerprint(files, digests);
    }

    /**
     * Whether every file still has the content it had (a file that is gone or unreadable has
     * changed), the master file's digest taken already ({@code masterDigest}), from the octets
     * that are compiled if it changed.
     */
    public boolean unchanged(byte[] masterDigest) {
        if (!Arrays.equals(digests.getFirst(), masterDigest)) {
            return false;
        }
        for (int i = 1; i < files.size(); i++) {
            if (!Arrays.equals(digests.get(i), digest(files.get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** The files this zone was read from, master file first. */
    public List<Path> files() {
        return files;
    }

    /** The SHA-256 of each of {@link #files()}, as taken when the zone was loaded; read only. */
    List<byte[]> digests() {
        return digests;
    }

    /** SHA-256 of a file's bytes; an empty array when it cannot be read (which loading will report). */
    public static byte[] digest(Path file) {
        MessageDigest sha256 = sha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha256.update(buffer, 0, n);
            }
        } catch (IOException e) {
            return new byte[0];
        }
        return sha256.digest();
    }

    /** SHA-256 of a file's octets, read already. */
    public static byte[] digest(byte[] text) {
        return sha256().digest(text);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (java.security.MessageDigest).
            throw new IllegalStateException(e);
        }
    }
}
