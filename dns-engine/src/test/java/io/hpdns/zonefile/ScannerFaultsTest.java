package io.hpdns.zonefile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.query.EngineFixture;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.UNKRecord;

/**
 * Faults the scanner must report at their file and line, and go on past: every fault of a file in
 * one pass, {@code $INCLUDE} loops and depth, damaged bytes, lengths over the RFC 1035 limits.
 */
class ScannerFaultsTest {

    private static final String HEAD = "$ORIGIN example.org.\n$TTL 3600\n";

    @Test
    void everyFaultOfAFileIsReportedAtItsLine(@TempDir Path dir) {
        Path file = Scans.write(dir, "three.zone", HEAD + "a A 192.0.2.1\nb A 192.0.2.300\nc A 192.0.2.3\n"
                + "d MX mail\ne A 192.0.2.5\nf AAAA 192.0.2.6\ng A 192.0.2.7\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).extracting(Scans.Problem::line).containsExactly(4, 6, 8);
        assertThat(result.problems()).allSatisfy(p -> assertThat(p.file()).isEqualTo(file.toString()));
        assertThat(result.records()).hasSize(4);
    }

    @Test
    void aFaultInsideParenthesesSkipsTheRestOfThatRecordOnly(@TempDir Path dir) {
        Path file = Scans.write(dir, "paren.zone", HEAD + "@ SOA ns hm (\n 1 2 3\n x 5 )\nafter A 192.0.2.1\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).contains("EXPIRE").contains("'x'");
        });
        assertThat(result.records()).hasSize(1);
    }

    @Test
    void includeOfItselfIsALoopAtTheIncludeLine(@TempDir Path dir) {
        Path file = Scans.write(dir, "self.zone", HEAD + "a A 192.0.2.1\n$INCLUDE self.zone\nb A 192.0.2.2\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file.toString());
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).contains("loop").contains("self.zone -> " + file);
        });
        assertThat(result.records()).hasSize(2);
    }

    @Test
    void includeLoopThroughAnotherFileIsReportedWithItsChain(@TempDir Path dir) {
        Path a = Scans.write(dir, "a.zone", HEAD + "a A 192.0.2.1\n$INCLUDE b.inc\n");
        Path b = Scans.write(dir, "b.inc", "b A 192.0.2.2\n\n$INCLUDE a.zone\n");

        Scans.Result result = Scans.scan(a, "example.org.");

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(b.toString());
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains(a + " -> " + b + " -> " + a);
        });
        assertThat(result.records()).hasSize(2);
    }

    @Test
    void includesNestedTooDeepAreAFaultNotAStackOverflow(@TempDir Path dir) {
        int files = ZoneFileScanner.MAX_INCLUDE_DEPTH + 3;
        for (int i = 1; i < files; i++) {
            Scans.write(dir, "f" + i + ".inc", "r" + i + " A 192.0.2." + i + "\n$INCLUDE f" + (i + 1) + ".inc\n");
        }
        Path top = Scans.write(dir, "top.zone", HEAD + "$INCLUDE f1.inc\n");

        Scans.Result result = Scans.scan(top, "example.org.");

        int deepest = ZoneFileScanner.MAX_INCLUDE_DEPTH - 1;
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(dir.resolve("f" + deepest + ".inc").toString());
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("more than " + ZoneFileScanner.MAX_INCLUDE_DEPTH + " deep");
        });
        assertThat(result.records()).hasSize(deepest);
    }

    @Test
    void missingIncludedFileIsAFaultAtTheIncludeLine(@TempDir Path dir) {
        Path file = Scans.write(dir, "m.zone", HEAD + "a A 192.0.2.1\n$INCLUDE nowhere.inc\nb A 192.0.2.2\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).contains("nowhere.inc").contains("no such file");
        });
        assertThat(result.records()).hasSize(2);
    }

    @Test
    void includedFileTheFileSystemRefusesIsAFaultInPrintableText(@TempDir Path dir) {
        // Longer than a file name may be (255 octets), with a control octet in it.
        String name = "x".repeat(300) + "\u0001";
        Path file = Scans.write(dir, "long.zone", HEAD + "$INCLUDE " + name + "\na A 192.0.2.1\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains("File name too long").doesNotContainPattern("[\\x00-\\x1f\\x7f]");
        });
        assertThat(result.records()).hasSize(1);
    }

    @Test
    void includedFileNameThatNoPathCanHoldIsAFault(@TempDir Path dir) {
        Path file = Scans.write(dir, "nulpath.zone", HEAD + "$INCLUDE \"in\0c.zone\"\na A 192.0.2.1\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains("in\\000c.zone");
        });
        assertThat(result.records()).hasSize(1);
    }

    @Test
    void eui48AndEui64AreLoadedInTheirWireFormAndAnswered(@TempDir Path dir) {
        // RFC 7043 §3.2, §4.2: six or eight octets, written as hex pairs joined by hyphens
        Path file = Scans.write(dir, "eui.zone", HEAD + "@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\n"
                + "host EUI48 00-00-5e-00-53-2a\nhost EUI64 00-00-5E-EF-10-00-00-2A\n");

        Scans.Result scan = Scans.scan(file, "example.org.");
        assertThat(scan.problems()).isEmpty();
        assertThat(scan.records()).filteredOn(rr -> rr.type() == Type.EUI48).singleElement()
                .satisfies(rr -> assertThat(rr.rdata()).isEqualTo("00005e00532a"));
        assertThat(scan.records()).filteredOn(rr -> rr.type() == Type.EUI64).singleElement()
                .satisfies(rr -> assertThat(rr.rdata()).isEqualTo("00005eef1000002a"));

        ZoneLoadResult loaded = ZoneLoader.load(Scans.name("example.org."), file);
        assertThat(loaded.problems()).isEmpty();
        EngineFixture engine = EngineFixture.serving(loaded.zone());
        assertThat(engine.ask("host.example.org.", Type.EUI48).records(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((UNKRecord) r).getData())
                        .containsExactly(0x00, 0x00, 0x5e, 0x00, 0x53, 0x2a));
        assertThat(engine.ask("host.example.org.", Type.EUI64).records(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((UNKRecord) r).getData())
                        .containsExactly(0x00, 0x00, 0x5e, 0xef, 0x10, 0x00, 0x00, 0x2a));
    }

    @Test
    void badEuiAddressesAreFaults(@TempDir Path dir) {
        Path file = Scans.write(dir, "eui.zone", HEAD + "a EUI48 00-00-5e-00-53\nb EUI48 00:00:5e:00:53:2a\n"
                + "c EUI64 00-00-5e-00-53-2a\nd EUI48 00-00-5e-00-53-2g\n");

        assertThat(Scans.scan(file, "example.org.").problems()).extracting(Scans.Problem::line)
                .containsExactly(3, 4, 5, 6);
    }

    @Test
    void svcParamsAgainstRfc9460AreFaults(@TempDir Path dir) {
        Path file = Scans.write(dir, "svcb.zone", HEAD + "a HTTPS 0 . alpn=h2\nb HTTPS 1 . mandatory=port alpn=h2\n"
                + "c HTTPS 1 . port=1 port=2\nd HTTPS 1 . colour=blue\ne HTTPS 1 . port=65536\n"
                + "f HTTPS 1 . alpn\ng HTTPS 1 . port=443 alpn=h3,h2\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).extracting(Scans.Problem::line).containsExactly(3, 4, 5, 6, 7, 8);
        assertThat(result.problems().get(0).message()).contains("AliasMode");
        assertThat(result.problems().get(1).message()).contains("mandatory");
        assertThat(result.records()).singleElement()
                .satisfies(rr -> assertThat(rr.rdata()).isEqualTo("000100" + "0001000602683302683200030002" + "01bb"));
    }

    @Test
    void rawNulInANameIsRefusedAndPrintedEscaped(@TempDir Path dir) {
        Path file = Scans.write(dir, "nul.zone", HEAD + "a\0b A 192.0.2.1\nc\u0007 A 192.0.2.2\nok A 192.0.2.3\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).hasSize(2);
        assertThat(result.problems().get(0).line()).isEqualTo(3);
        assertThat(result.problems().get(0).message()).contains("a\\000b");
        assertThat(result.problems().get(1).message()).contains("c\\007");
        assertThat(result.problems()).allSatisfy(p -> assertThat(p.message()).doesNotContainPattern("[\\x00-\\x1f]"));
        assertThat(result.records()).hasSize(1);
    }

    @Test
    void longTokensAreCutInMessages(@TempDir Path dir) {
        Path file = Scans.write(dir, "long.zone", HEAD + "a A " + "9".repeat(5000) + "\n");

        assertThat(Scans.scan(file, "example.org.").problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).hasSizeLessThan(200).contains("..."));
    }

    @Test
    void lengthsOverTheLimitsOfRfc1035AreFaultsAtTheirLines(@TempDir Path dir) {
        String label64 = "x".repeat(64);
        String name256 = ("y".repeat(62) + ".").repeat(4) + "zz";
        String txt = ("\"" + "t".repeat(250) + "\" ").repeat(300);
        Path file = Scans.write(dir, "limits.zone", HEAD + label64 + " A 192.0.2.1\n" + name256 + ". A 192.0.2.2\n"
                + "t TXT " + txt + "\ns TXT \"" + "s".repeat(256) + "\"\nok A 192.0.2.3\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).extracting(Scans.Problem::line).containsExactly(3, 4, 5, 6);
        assertThat(result.problems().get(0).message()).contains("63 octets");
        assertThat(result.problems().get(1).message()).contains("255 octets");
        assertThat(result.problems().get(2).message()).contains("65535");
        assertThat(result.records()).hasSize(1);
    }

    @Test
    void unbalancedParenthesesAreFaults(@TempDir Path dir) {
        Path file = Scans.write(dir, "parens.zone", HEAD + "a A 192.0.2.1 )\nb A 192.0.2.2\nc TXT ( \"open\"\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).extracting(Scans.Problem::line).containsExactly(3, 5);
        assertThat(result.records()).hasSize(1);
    }

    @Test
    void faultsOfDirectivesAreReportedAndReadingGoesOn(@TempDir Path dir) {
        Path file = Scans.write(dir, "directives.zone", HEAD + "$TTL soon\n$ORIGIN\n$FOO bar\n"
                + "$GENERATE 5-1 h$ A 192.0.2.$\n$GENERATE 1-3 h$ MX 10 m$\nok A 192.0.2.1\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).extracting(Scans.Problem::line).containsExactly(3, 4, 5, 6, 7);
        assertThat(result.records()).hasSize(1);
    }

    @Test
    void recordWithoutAnyTtlIsAFault(@TempDir Path dir) {
        Path file = Scans.write(dir, "nottl.zone", "$ORIGIN example.org.\na A 192.0.2.1\nb 60 A 192.0.2.2\n");

        Scans.Result result = Scans.scan(file, "example.org.");

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("no TTL");
        });
        assertThat(result.records()).hasSize(1);
    }

    @Test
    void classesOtherThanInAreRefusedAtTheirLines(@TempDir Path dir) {
        Path file = Scans.write(dir, "ch.zone", HEAD + "@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\n"
                + "v CH TXT \"chaos\"\nw HS 60 TXT x\nx CLASS5 A 192.0.2.1\n");

        ZoneLoadResult result = ZoneLoader.load(Scans.name("example.org."), file);

        assertThat(result.ok()).isFalse();
        assertThat(result.problems()).extracting(p -> p.line() + ": " + p.message()).containsExactly(
                "6: class CH is not supported, only IN", "7: class HS is not supported, only IN",
                "8: class CLASS5 is not supported, only IN");
    }

    @Test
    void zoneWithFaultsDoesNotLoadAndReportsThemAll(@TempDir Path dir) {
        Path file = Scans.write(dir, "bad.zone", HEAD + "@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\n"
                + "x A 192.0.2\ny A 192.0.2.1.1\nz AAAA ::g\n");

        ZoneLoadResult result = ZoneLoader.load(Scans.name("example.org."), file);

        assertThat(result.ok()).isFalse();
        assertThat(result.problems()).extracting(p -> p.line()).containsExactly(6, 7, 8);
        assertThat(result.problems()).allSatisfy(p -> assertThat(p.format()).startsWith(file + ":"));
        assertThat(result.zone()).isNull();
    }
}
