package io.hpdns.zonefile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.wire.WireNames;
import io.hpdns.zone.ZoneLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import org.xbill.DNS.Name;

/**
 * Damaged zone text through the scanner: byte flips, truncations, control bytes, deep
 * parentheses, huge numbers, stray directives. The scanner must only ever hand over well-formed
 * records and faults with a file, a line in it and a printable message: no exception escapes.
 */
class ScannerFuzzTest {

    private static final Name ORIGIN = Scans.name("example.org.");
    private static final Path DIR = tempDir();
    private static final Path ZONE = DIR.resolve("fuzz.zone");

    private static final byte[] SEED = ("""
            $ORIGIN example.org.
            $TTL 3600
            @ IN SOA ns1 hostmaster ( 2026112301 ; serial
                    7200 3600 1209600 300 )
              NS ns1
              MX 10 mail
            ns1 A 192.0.2.1
            ns1 AAAA 2001:db8::1
            www 60 IN A 192.0.2.80
            txt TXT "hello \\"world\\"" plain \\065\\066 "semi;colon"
            esc\\.aped\\032name CNAME www
            _sip._udp SRV 10 60 5060 sip.example.net.
            caa CAA 0 issue "ca.example.net"
            ds DS 12345 13 2 2bb183af5f22588179a53b0a98631fad1a292118deec3b3b8b1d1b9dbf0b84a3
            key DNSKEY 257 3 13 AQIDBAUGBwg=
            sig RRSIG A 13 2 3600 20300101000000 20200101000000 12345 example.org. AQIDBAUGBwg=
            nsec NSEC next.example.org. A RRSIG NSEC
            n3 NSEC3 1 0 10 aabb 2vptu5timamqttgl4luu9kg21e0aor3s A
            eui EUI48 00-00-5e-00-53-2a
            svc HTTPS 1 . mandatory=alpn alpn="h2,h3" port=443 ipv6hint=2001:db8::1 ech=AA== key9
            unk TYPE65280 \\# 4 0a000001
            loc LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m
            $INCLUDE inc.zone sub.example.org.
            $GENERATE 1-20 gen-$ A 198.51.100.${0,3,d}
            dn 1h30m DNAME example.net.
            """).getBytes(StandardCharsets.ISO_8859_1);

    private static final List<String> INSERTS = List.of("((((((((((((((((((((", ")))", "\"", "\\", "\\999", "\\0",
            "99999999999999999999", "4294967296", "65536", "-1", "$INCLUDE fuzz.zone\n", "$INCLUDE inc.zone\n",
            "$GENERATE 1-4294967295 x$ A 1.2.3.4\n", "$GENERATE 1-300 x$ A 1.2.3.$\n", "\\# 65535 ", ";", "\n", "\r",
            " ", "\t", "TYPE65535 ", "CLASS3 ", "@", ".", "..", "$ORIGIN ", "$TTL ", "x".repeat(300));

    sealed interface Mutation {
        byte[] apply(byte[] text);
    }

    record Flip(int at, int bit) implements Mutation {
        public byte[] apply(byte[] text) {
            if (text.length > 0) {
                text[at % text.length] ^= (byte) (1 << bit);
            }
            return text;
        }
    }

    record Truncate(int at) implements Mutation {
        public byte[] apply(byte[] text) {
            return java.util.Arrays.copyOf(text, text.length == 0 ? 0 : at % text.length);
        }
    }

    record Insert(int at, byte[] bytes) implements Mutation {
        public byte[] apply(byte[] text) {
            int p = text.length == 0 ? 0 : at % (text.length + 1);
            byte[] out = new byte[text.length + bytes.length];
            System.arraycopy(text, 0, out, 0, p);
            System.arraycopy(bytes, 0, out, p, bytes.length);
            System.arraycopy(text, p, out, p + bytes.length, text.length - p);
            return out;
        }
    }

    record Delete(int at, int length) implements Mutation {
        public byte[] apply(byte[] text) {
            if (text.length == 0) {
                return text;
            }
            int p = at % text.length;
            int n = Math.min(length, text.length - p);
            byte[] out = new byte[text.length - n];
            System.arraycopy(text, 0, out, 0, p);
            System.arraycopy(text, p + n, out, p, text.length - p - n);
            return out;
        }
    }

    @Property(tries = 1500, shrinking = ShrinkingMode.BOUNDED)
    void mutatedZonesGiveRecordsAndFaultsOnly(@ForAll("mutatedZones") byte[] zone) {
        check(zone);
    }

    @Property(tries = 600, shrinking = ShrinkingMode.BOUNDED)
    void randomBytesGiveRecordsAndFaultsOnly(@ForAll("randomText") byte[] zone) {
        check(zone);
    }

    @Provide
    Arbitrary<byte[]> mutatedZones() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, SEED.length);
        Arbitrary<Mutation> mutation = Arbitraries.oneOf(
                Combinators.combine(at, Arbitraries.integers().between(0, 7)).as(Flip::new),
                at.map(Truncate::new),
                Combinators.combine(at, Arbitraries.of(INSERTS).map(s -> s.getBytes(StandardCharsets.ISO_8859_1)))
                        .as(Insert::new),
                Combinators.combine(at, Arbitraries.of((byte) 0, (byte) 1, (byte) 7, (byte) 0x1b, (byte) 0x7f,
                        (byte) 0x80, (byte) 0xff).map(b -> new byte[] {b})).as(Insert::new),
                Combinators.combine(at, Arbitraries.integers().between(1, 40)).as(Delete::new));
        return mutation.list().ofMinSize(1).ofMaxSize(8).map(list -> {
            byte[] text = SEED.clone();
            for (Mutation m : list) {
                text = m.apply(text);
            }
            return text;
        });
    }

    @Provide
    Arbitrary<byte[]> randomText() {
        Arbitrary<Byte> zoneish = Arbitraries.of(" \t\n\r();\"\\$@.-:019aAzZ#".chars().mapToObj(c -> (byte) c).toList());
        return Arbitraries.oneOf(Arbitraries.bytes(), zoneish).array(byte[].class).ofMaxSize(400);
    }

    private static void check(byte[] zone) {
        write(ZONE, zone);
        int lines = lineCount(zone);
        Scans.Result result = Scans.scan(ZONE, ORIGIN.toString());

        assertThat(result.read()).isTrue();
        for (Scans.Problem p : result.problems()) {
            assertThat(p.file()).isIn(ZONE.toString(), DIR.resolve("inc.zone").toString());
            assertThat(p.line()).as("%s", p).isPositive();
            if (p.file().equals(ZONE.toString())) {
                assertThat(p.line()).as("%s", p).isLessThanOrEqualTo(lines);
            }
            assertThat(p.message()).as("%s", p).doesNotContainPattern("[\\x00-\\x1f\\x7f]");
        }
        for (Scans.Rr rr : result.records()) {
            byte[] owner = java.util.HexFormat.of().parseHex(rr.owner());
            assertThat(owner.length).isLessThanOrEqualTo(255).isEqualTo(WireNames.length(owner, 0));
            assertThat(rr.rdata().length() / 2).isLessThanOrEqualTo(0xFFFF);
            assertThat(rr.canonical().length()).isEqualTo(rr.rdata().length());
        }
        // The whole load, builder checks included, must not throw either.
        ZoneLoader.load(ORIGIN, ZONE);
    }

    /** Lines of the text as the lexer counts them (LF, CRLF or CR end one), plus one for a last unended line. */
    private static int lineCount(byte[] text) {
        int lines = 1;
        for (int i = 0; i < text.length; i++) {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.length || text[i + 1] != '\n'))) {
                lines++;
            }
        }
        return lines;
    }

    @AfterContainer
    static void removeFiles() throws IOException {
        Files.deleteIfExists(ZONE);
        Files.deleteIfExists(DIR.resolve("inc.zone"));
        Files.deleteIfExists(DIR);
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("zonefile-fuzz");
            write(dir.resolve("inc.zone"), "inc A 192.0.2.9\n  TXT \"in\"\n$INCLUDE fuzz.zone\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, byte[] text) {
        try {
            Files.write(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
