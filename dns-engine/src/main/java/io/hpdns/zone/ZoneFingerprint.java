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
 * What a zone was built from: the SHA-256 of the master file and of each file it {@code $INCLUDE}d,
 * and each file's {@link FileState} taken before it was read. A reload rebuilds a zone only when
 * one of these contents changed. Contents rather than the SOA serial, because an operator who
 * fixes a record and forgets the serial still expects the fix to be served; contents rather than
 * size and mtime alone, because an edit within the same second with the same length (a changed
 * address, say) must not be missed. The files' states spare reading and digesting them when none
 * was written since ({@link #unchangedSinceTaken}); a state that could miss such an edit is not
 * taken ({@link FileState#settled}).
 */
public final class ZoneFingerprint {

    private final List<Path> files;
    private final List<byte[]> digests;
    private final List<FileState> states;

    /**
     * @param digests the SHA-256 of each of the files, in the same order
     * @param states the state of each, or {@link FileState#UNSETTLED}
     */
    ZoneFingerprint(List<Path> files, List<byte[]> digests, List<FileState> states) {
        this.files = List.copyOf(files);
        this.digests = List.copyOf(digests);
        this.states = List.copyOf(states);
    }

    /**
     * What a compile takes of the master file: its state before it is read, then the digest of
     * the octets read, so that an edit made while the zone loads is seen as a change by the next
     * reload.
     */
    public record Master(FileState state, byte[] digest) {}

    /**
     * The fingerprint of a zone just loaded. The included files are only known after loading and
     * are taken then, each state before its digest.
     *
     * @param files the files the load read, the master file first ({@link ZoneLoadResult#files()})
     * @param master the master file's state and digest from before the load
     */
    public static ZoneFingerprint of(List<Path> files, Master master) {
        List<byte[]> digests = new ArrayList<>(files.size());
        List<FileState> states = new ArrayList<>(files.size());
        digests.add(master.digest());
        states.add(master.state());
        for (int i = 1; i < files.size(); i++) {
            states.add(FileState.settled(files.get(i)));
            digests.add(digest(files.get(i)));
        }
        return new ZoneFingerprint(files, digests, states);
    }

    /**
     * Whether no file was written since its state was taken, which tells without reading them
     * that every file has the content it had; false when a file has no settled state, and then
     * only {@link #unchanged} can tell.
     */
    public boolean unchangedSinceTaken() {
        for (int i = 0; i < files.size(); i++) {
            if (!states.get(i).unchanged(files.get(i))) {
                return false;
            }
        }
        return true;
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

    /** The state of each of {@link #files()}, as taken when the zone was loaded. */
    List<FileState> states() {
        return states;
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
