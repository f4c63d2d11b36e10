package io.hpdns.zonefile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * RFC 1035 §5.1 control entries where hpdns reads a zone as BIND and Knot DNS do rather than as
 * dnsjava (the differential test's oracle elsewhere) does: a relative name given to
 * {@code $ORIGIN}, or as the origin of an {@code $INCLUDE}, is relative to the current origin.
 */
class Rfc1035DirectivesTest {

    @Test
    void relativeOriginIsRelativeToTheCurrentOrigin(@TempDir Path dir) {
        Path file = Scans.write(dir, "origin.zone",
                "$ORIGIN example.org.\n$TTL 3600\n$ORIGIN sub\nwww A 192.0.2.1\n$ORIGIN deeper.sub.example.org.\nx A 192.0.2.2\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).isEmpty();
        assertThat(result.records()).extracting(Scans.Rr::owner)
                .containsExactly(hex("www.sub.example.org."), hex("x.deeper.sub.example.org."));
    }

    @Test
    void relativeOriginOfAnIncludeIsRelativeToTheCurrentOrigin(@TempDir Path dir) {
        Scans.write(dir, "part.zone", "www A 192.0.2.1\n");
        Path file = Scans.write(dir, "main.zone", "$ORIGIN example.org.\n$TTL 3600\n$INCLUDE part.zone sub\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).isEmpty();
        assertThat(result.records()).extracting(Scans.Rr::owner).containsExactly(hex("www.sub.example.org."));
    }

    private static String hex(String name) {
        return java.util.HexFormat.of().formatHex(Name.fromConstantString(name).toWireCanonical());
    }
}
