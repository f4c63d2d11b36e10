package io.hpdns.reload;

import io.hpdns.zone.ZoneImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which build of hpdns is running, as far as compiled zones go: the SHA-256 of the jar the zone
 * compiler was loaded from (or, unpackaged, of the name, size and modification time of each class
 * file beside it). Images kept across runs are reused only by the build that wrote them, since
 * another build may validate or compile the same zone file differently, even with the image
 * format unchanged. Computed once per master start: hashing the server's jar takes some 30 ms.
 */
public final class BuildIdentity {

    private BuildIdentity() {}

    /** The identity of the code that compiles zones, in hex. */
    public static String current() {
        CodeSource source = ZoneImage.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return "unknown";
        }
        try {
            Path location = Path.of(source.getLocation().toURI());
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            if (Files.isDirectory(location)) {
                digestTree(location, sha256);
            } else {
                digestFile(location, sha256);
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            // Unknown code: no image of an earlier run is trusted.
            return "unreadable " + System.nanoTime();
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (java.security.MessageDigest).
            throw new IllegalStateException(e);
        }
    }

    private static void digestFile(Path file, MessageDigest sha256) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha256.update(buffer, 0, n);
            }
        }
    }

    private static void digestTree(Path dir, MessageDigest sha256) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path file : files) {
            String entry = dir.relativize(file) + "\t" + Files.size(file) + "\t" + Files.getLastModifiedTime(file) + "\n";
            sha256.update(entry.getBytes(StandardCharsets.UTF_8));
        }
    }
}
