package io.hpdns.zone;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The names whose records a patched image ({@link ZonePatch}) changed against the image it was
 * patched from, kept beside it (the image's name followed by {@code .changes}): a worker that
 * served that image finds the zone's difference, its IXFR journal entry, from those names alone
 * instead of comparing every name of both versions (docs/architecture.md, "Incremental
 * compile"). Every other node of the two images holds the same records, octet for octet.
 *
 * <p>Format ({@link ImageSideFile}): "HPDNSCH1", the previous image's file name (u16 length,
 * UTF-8), u32 names and each name lowercased in wire format (u8 length), then the CRC32C. One
 * that is missing or damaged is ignored, and the two versions compared whole.
 *
 * @param previousImage the file name of the image this one was patched from
 * @param names the lowercased wire names whose records changed, added or removed
 */
public record ZoneChanges(String previousImage, List<byte[]> names) {
    private static final byte[] MAGIC = "HPDNSCH1".getBytes(StandardCharsets.US_ASCII);
    private static final String SUFFIX = ".changes";

    public ZoneChanges {
        names = List.copyOf(names);
    }

    /** The changes file of {@code image}. */
    public static Path fileOf(Path image) {
        return ImageSideFile.of(image, SUFFIX);
    }

    /** Writes the changes beside {@code image}, replacing any. */
    public void writeFor(Path image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] previous = previousImage.getBytes(StandardCharsets.UTF_8);
        out.writeShort(previous.length);
        out.write(previous);
        out.writeInt(names.size());
        for (byte[] name : names) {
            out.writeByte(name.length);
            out.write(name);
        }
        ImageSideFile.write(fileOf(image), MAGIC, bytes.toByteArray());
    }

    /**
     * The changes kept beside {@code image}; empty when there are none (an image compiled whole)
     * or they cannot be read, or are damaged.
     */
    public static Optional<ZoneChanges> readFor(Path image) {
        try {
            ByteBuffer in = ImageSideFile.read(fileOf(image), MAGIC);
            byte[] previous = new byte[in.getShort() & 0xffff];
            in.get(previous);
            int count = in.getInt();
            List<byte[]> names = new ArrayList<>(Math.min(count, in.remaining()));
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[in.get() & 0xff];
                in.get(name);
                names.add(name);
            }
            if (in.remaining() != 4) {
                return Optional.empty();
            }
            return Optional.of(new ZoneChanges(new String(previous, StandardCharsets.UTF_8), names));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
