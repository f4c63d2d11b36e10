package io.hpdns.zone;

import io.hpdns.zonefile.ScanState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a zone's image was compiled from, kept beside it in a file of its own ({@link #fileOf}) so
 * that the next compile of an edited master file reads only the edit ({@link ZonePatch}): the
 * master file's octets, the scanner's state at an entry start every {@link #CHECKPOINT_EVERY}
 * octets of it ({@link ScanState}), whether the file held every record once, and how many octets
 * of the image's answers no node uses any more (an image patched leaves the answers it replaced).
 * Kept only for a zone read from its master file alone (no {@code $INCLUDE}).
 *
 * <p>Format ({@link ImageSideFile}): "HPDNSZS1", u32 flags (1: every record once), u64 unused
 * answer octets, u32 checkpoints and each checkpoint (u32 offset, u32 line, i64 $TTL, i64 previous
 * TTL, u8 whether there is a previous owner, u8 origin length and the origin, u8 previous owner
 * length (0: none) and the owner), u32 length and the text, then the CRC32C. One that is missing
 * or damaged is ignored, and the zone compiled whole.
 */
public record ZoneSource(byte[] text, List<ScanState> checkpoints, boolean everyRecordOnce, long unusedAnswers) {
    /** Octets of master file between two checkpoints: what an edit costs to read again, at most twice. */
    public static final int CHECKPOINT_EVERY = 64 * 1024;

    /** The magic and format version: "HPDNSZS" and "1". */
    private static final byte[] MAGIC = "HPDNSZS1".getBytes(StandardCharsets.US_ASCII);
    private static final int EVERY_RECORD_ONCE = 1;
    private static final String SUFFIX = ".src";

    /** The source file of {@code image}. */
    public static Path fileOf(Path image) {
        return ImageSideFile.of(image, SUFFIX);
    }

    /**
     * Keeps the source of {@code image} beside {@code other} too, another image compiled from the
     * same text, as a hard link: side files are replaced, never changed in place.
     *
     * @throws java.nio.file.NoSuchFileException when {@code image} has no source kept
     */
    public static void linkFor(Path image, Path other) throws IOException {
        Files.createLink(fileOf(other), fileOf(image));
    }

    /** Writes this source beside {@code image}, replacing any. */
    public void writeFor(Path image) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(head);
        out.writeInt(everyRecordOnce ? EVERY_RECORD_ONCE : 0);
        out.writeLong(unusedAnswers);
        out.writeInt(checkpoints.size());
        for (ScanState state : checkpoints) {
            out.writeInt(state.offset());
            out.writeInt(state.line());
            out.writeLong(state.defaultTtl());
            out.writeLong(state.lastTtl());
            out.writeByte(state.ownerKnown() ? 1 : 0);
            out.writeByte(state.origin().length);
            out.write(state.origin());
            out.writeByte(state.owner() == null ? 0 : state.owner().length);
            if (state.owner() != null) {
                out.write(state.owner());
            }
        }
        out.writeInt(text.length);
        ImageSideFile.write(fileOf(image), MAGIC, head.toByteArray(), text);
    }

    /**
     * The source kept beside {@code image}.
     *
     * @throws IOException when there is none, or it cannot be read, or it is damaged
     */
    public static ZoneSource readFor(Path image) throws IOException {
        Path file = fileOf(image);
        ByteBuffer in = ImageSideFile.read(file, MAGIC);
        try {
            boolean once = (in.getInt() & EVERY_RECORD_ONCE) != 0;
            long unused = in.getLong();
            int count = in.getInt();
            List<ScanState> checkpoints = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int offset = in.getInt();
                int line = in.getInt();
                long defaultTtl = in.getLong();
                long lastTtl = in.getLong();
                boolean ownerKnown = in.get() != 0;
                byte[] origin = new byte[in.get() & 0xff];
                in.get(origin);
                int ownerLength = in.get() & 0xff;
                byte[] owner = null;
                if (ownerLength > 0) {
                    owner = new byte[ownerLength];
                    in.get(owner);
                }
                checkpoints.add(new ScanState(offset, line, origin, defaultTtl, lastTtl, owner, ownerKnown));
            }
            byte[] text = new byte[in.getInt()];
            in.get(text);
            if (in.remaining() != 4) {
                throw new IOException(file + ": " + (in.remaining() - 4) + " octets after the text");
            }
            return new ZoneSource(text, List.copyOf(checkpoints), once, unused);
        } catch (RuntimeException e) {
            throw new IOException(file + ": malformed: " + e, e);
        }
    }
}
