package io.hpdns.zone;

import static io.hpdns.query.EngineFixture.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hpdns.query.AnswerCompiler;
import io.hpdns.query.QueryBattery;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever is wrong with a file, reading it as a {@link ZoneImage} ends in a
 * {@link ZoneImageException} that names the file and says what is wrong — not an image, another
 * version, truncated at an offset, a checksum mismatch, malformed — and never in another exception
 * or a zone: every truncation and every changed octet of a small image, random damage to a larger
 * one, and lengths, counts and offsets changed under checksums made to match, which only the
 * reader's own checks ({@link CompiledZone#check}) stand against. A missing file is a
 * {@link NoSuchFileException}.
 */
class ZoneImageDamageTest {

    private static final int HEADER = ZoneImage.HEADER;
    /** The header's own checksum, over the octets before it. */
    private static final int HEADER_CHECKSUM = 32;
    /** The body's checksum, in the header, over every octet after the header's checksum. */
    private static final int BODY_CHECKSUM = 28;
    private static final int BODY = HEADER_CHECKSUM + 4;

    private final Random random = new Random(20260601);

    @TempDir
    Path dir;

    @Test
    void emptyFileIsNotAnImage() throws IOException {
        assertDamaged(new byte[0], "not a zone image: the file is empty");
    }

    @Test
    void zoneMasterFileIsNotAnImage() throws IOException {
        assertDamaged(Files.readAllBytes(Path.of("..", "conf", "zones", "example.com.zone")), "not a zone image");
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThatThrownBy(() -> ZoneImage.read(dir.resolve("missing.image"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void imageOfAnotherVersionIsNotSupported() throws IOException {
        byte[] image = smallImage();
        ByteBuffer.wrap(image).putInt(8, ZoneImage.VERSION + 1);

        assertDamaged(image, "version " + (ZoneImage.VERSION + 1) + " not supported");
    }

    @Test
    void everyTruncationIsReportedAtItsOffset() throws IOException {
        byte[] image = smallImage();

        for (int length = 1; length < image.length; length++) {
            assertDamaged(Arrays.copyOf(image, length), "truncated at offset " + length);
        }
    }

    @Test
    void octetsAfterTheImageAreReported() throws IOException {
        byte[] image = smallImage();

        assertDamaged(Arrays.copyOf(image, image.length + 3),
                "3 octets after the end of the image at offset " + image.length);
    }

    @Test
    void everyOctetChangedInASmallImageIsReported() throws IOException {
        byte[] image = smallImage();

        for (int at = 0; at < image.length; at++) {
            byte[] damaged = image.clone();
            damaged[at] ^= (byte) (1 + random.nextInt(255));
            String expected = at < 8 ? "not a zone image" : at < 12 ? "not supported"
                    : at < BODY ? "checksum mismatch in the header" : "checksum mismatch: the image is damaged";

            assertDamaged(damaged, expected);
        }
    }

    @Test
    void randomDamageToALargerImageIsReported() throws IOException {
        Path file = dir.resolve("gen.test.zone");
        QueryBattery.writeGeneratedZone(file, 2_400);
        byte[] image = imageOf(AnswerCompiler.compile(ZoneLoader.load(name("gen.test."), file).zone()));
        assertThat(image.length).as("a layout of many pages").isGreaterThan(1 << 20);

        for (int i = 0; i < 1_000; i++) {
            byte[] damaged = image.clone();
            int at = BODY + random.nextInt(image.length - BODY);
            damaged[at] ^= (byte) (1 + random.nextInt(255));

            assertDamaged(damaged, "checksum mismatch: the image is damaged");
        }
        for (int i = 0; i < 100; i++) {
            byte[] damaged = image.clone();
            int at = BODY + random.nextInt(image.length - BODY - 64);
            byte[] burst = new byte[2 + random.nextInt(62)];
            random.nextBytes(burst);
            System.arraycopy(burst, 0, damaged, at, burst.length);

            if (!Arrays.equals(damaged, image)) {
                assertDamaged(damaged, "checksum mismatch: the image is damaged");
            }
        }
    }

    @Test
    void countTooLargeForTheImageIsMalformedEvenUnderAMatchingChecksum() throws IOException {
        byte[] image = smallImage();

        for (int count : new int[] {Integer.MAX_VALUE, -1, Integer.MIN_VALUE, image.length}) {
            byte[] damaged = image.clone();
            // After the header: the number of files in the fingerprint.
            ByteBuffer.wrap(damaged).putInt(HEADER, count);

            assertDamaged(withMatchingChecksum(damaged), "malformed fingerprint: " + Integer.toUnsignedString(count)
                    + " files");
        }
    }

    @Test
    void integersChangedUnderAMatchingChecksumReadOrAreMalformed() throws IOException {
        byte[] image = smallImage();
        int[] values = {0, 1, -1, 2, 255, 256, 65535, 65536, Integer.MAX_VALUE, Integer.MIN_VALUE, image.length};
        int read = 0;
        int malformed = 0;

        for (int i = 0; i < 4_000; i++) {
            byte[] damaged = image.clone();
            int at = HEADER + random.nextInt(image.length - HEADER - 3);
            int value = random.nextBoolean() ? values[random.nextInt(values.length)] : random.nextInt();
            ByteBuffer.wrap(damaged).putInt(at, value);
            Path file = write(withMatchingChecksum(damaged));

            // Some changes make another zone (a TTL, an address); others must be found out.
            try {
                ZoneImage.read(file);
                read++;
            } catch (ZoneImageException e) {
                assertThat(e.getMessage()).startsWith(file + ": malformed ");
                malformed++;
            }
        }

        assertThat(read).isPositive();
        assertThat(malformed).isPositive();
    }

    /**
     * The image of a small zone, compiled, with a bit of everything the format holds: names in
     * lowercase and in mixed case, a zone cut, an empty non-terminal, and a negative answer with
     * a guard (its MNAME is below the origin).
     */
    private byte[] smallImage() throws IOException {
        Path file = Files.writeString(dir.resolve("small.test.zone"), """
                $ORIGIN small.test.
                $TTL 300
                @ SOA ns1 hostmaster 1 7200 3600 1209600 300
                @ NS ns1
                ns1 A 192.0.2.1
                WWW A 192.0.2.2
                a.b.c TXT "below two empty non-terminals"
                deleg NS ns.deleg
                ns.deleg A 192.0.2.3
                """);
        return imageOf(AnswerCompiler.compile(ZoneLoader.load(name("small.test."), file).zone()));
    }

    private byte[] imageOf(CompiledZone zone) throws IOException {
        Path image = dir.resolve("written.image");
        ZoneImage.write(zone, ZoneFingerprint.of(List.of(dir.resolve("zone")),
                new ZoneFingerprint.Master(FileState.UNSETTLED, new byte[32])), image);
        return Files.readAllBytes(image);
    }

    private Path write(byte[] image) throws IOException {
        return Files.write(dir.resolve("damaged.image"), image);
    }

    private void assertDamaged(byte[] image, String expected) throws IOException {
        Path file = write(image);

        assertThatThrownBy(() -> ZoneImage.read(file))
                .isExactlyInstanceOf(ZoneImageException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(expected);
    }

    /** The image with the body's checksum, and then the header's, made to match the image as it is. */
    private static byte[] withMatchingChecksum(byte[] image) {
        CRC32C body = new CRC32C();
        body.update(image, BODY, image.length - BODY);
        ByteBuffer.wrap(image).putInt(BODY_CHECKSUM, (int) body.getValue());
        CRC32C header = new CRC32C();
        header.update(image, 0, HEADER_CHECKSUM);
        ByteBuffer.wrap(image).putInt(HEADER_CHECKSUM, (int) header.getValue());
        return image;
    }
}
