package io.hpdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.conf.ZoneConfig;
import io.hpdns.query.AnswerSettings;
import io.hpdns.reload.NewSerialListener;
import io.hpdns.reload.CompileAndFollow;
import io.hpdns.stats.QueryStats;
import io.hpdns.tsig.TsigKeys;
import io.hpdns.xfr.AddressRange;
import io.hpdns.xfr.TransferAcl;
import io.hpdns.xfr.TransferPolicy;
import io.hpdns.xfr.ZoneJournals;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * IXFR (RFC 1995) from the journal of changes a real server keeps across reloads of a real zone
 * file, read with dnsjava's {@link ZoneTransferIn}.
 */
class Rfc1995IxfrTest {

    private static final Name ORIGIN = Name.fromConstantString("example.com.");

    @TempDir
    Path dir;

    private Path file;
    private CompileAndFollow reloader;
    private DnsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Serves the zone as {@code records} say, with {@code depth} changes kept. */
    private void start(int depth, long serial, String records) throws Exception {
        file = dir.resolve("example.com.zone");
        write(serial, records);
        TransferPolicy policy = new TransferPolicy(TransferPolicy.DEFAULT_MAX_TRANSFERS, TsigKeys.NONE,
                Map.of(ORIGIN, new TransferAcl(List.of(AddressRange.parse("127.0.0.1")), List.of())));
        ZoneJournals journals = new ZoneJournals(depth);
        reloader = new CompileAndFollow(dir.resolve("state"), () -> List.of(new ZoneConfig(ORIGIN, file)),
                NewSerialListener.NONE, journals);
        assertThat(reloader.loadInitial().ok()).isTrue();
        ServerOptions options = ServerOptions.withDefaults(
                List.of(new ListenAddress(InetAddress.ofLiteral("127.0.0.1"), 0)));
        server = DnsServer.start(options, reloader.worker().holder(), AnswerSettings.defaults(), policy, new QueryStats(),
                journals);
    }

    private void write(long serial, String records) throws Exception {
        Files.writeString(file, "$ORIGIN example.com.\n$TTL 300\n@ SOA ns1 hostmaster " + serial
                + " 3600 600 86400 300\n@ NS ns1\n" + records);
    }

    private void reload(long serial, String records) throws Exception {
        write(serial, records);
        assertThat(reloader.reloadAll().ok()).isTrue();
    }

    private ZoneTransferIn ixfr(long serial) throws Exception {
        ZoneTransferIn transfer = ZoneTransferIn.newIXFR(ORIGIN, serial, false, server.boundAddresses().getFirst(), null);
        transfer.run();
        return transfer;
    }

    /** The records of a delta list other than the SOA, each as its text form. */
    private static List<String> texts(List<Record> records) {
        List<String> texts = new ArrayList<>();
        for (Record record : records) {
            if (record.getType() != Type.SOA) {
                texts.add(record.toString().replaceAll("\\s+", " "));
            }
        }
        return texts;
    }

    private static final String V1 = "ns1 A 192.0.2.1\nwww A 192.0.2.10\nold TXT \"one\"\n";
    private static final String V2 = "ns1 A 192.0.2.1\nwww A 192.0.2.20\nold TXT \"one\"\nnew TXT \"two\"\n";
    private static final String V3 = "ns1 600 A 192.0.2.1\nwww A 192.0.2.20\nnew TXT \"two\"\n";

    @Test
    void ixfrFromTheFirstSerialAfterTwoReloadsHasBothChanges() throws Exception {
        start(ZoneJournals.DEFAULT_DEPTH, 1, V1);
        reload(2, V2);
        reload(3, V3);

        ZoneTransferIn transfer = ixfr(1);

        assertThat(transfer.isIXFR()).isTrue();
        List<ZoneTransferIn.Delta> deltas = transfer.getIXFR();
        assertThat(deltas).hasSize(2);
        assertThat(deltas.get(0).start).isEqualTo(1);
        assertThat(deltas.get(0).end).isEqualTo(2);
        assertThat(texts(deltas.get(0).deletes)).containsExactly("www.example.com. 300 IN A 192.0.2.10");
        assertThat(texts(deltas.get(0).adds)).containsExactlyInAnyOrder(
                "www.example.com. 300 IN A 192.0.2.20", "new.example.com. 300 IN TXT \"two\"");
        assertThat(deltas.get(1).start).isEqualTo(2);
        assertThat(deltas.get(1).end).isEqualTo(3);
        // A TTL change is the old record deleted and the new one added.
        assertThat(texts(deltas.get(1).deletes)).containsExactlyInAnyOrder(
                "ns1.example.com. 300 IN A 192.0.2.1", "old.example.com. 300 IN TXT \"one\"");
        assertThat(texts(deltas.get(1).adds)).containsExactly("ns1.example.com. 600 IN A 192.0.2.1");
    }

    @Test
    void ixfrFromTheMiddleSerialHasTheLastChangeOnly() throws Exception {
        start(ZoneJournals.DEFAULT_DEPTH, 1, V1);
        reload(2, V2);
        reload(3, V3);

        ZoneTransferIn transfer = ixfr(2);

        assertThat(transfer.isIXFR()).isTrue();
        assertThat(transfer.getIXFR()).singleElement().satisfies(delta -> {
            assertThat(delta.start).isEqualTo(2);
            assertThat(delta.end).isEqualTo(3);
            assertThat(texts(delta.adds)).containsExactly("ns1.example.com. 600 IN A 192.0.2.1");
        });
    }

    @Test
    void ixfrFromAnUnknownSerialIsTheWholeZone() throws Exception {
        start(ZoneJournals.DEFAULT_DEPTH, 10, V1);
        reload(11, V2);

        ZoneTransferIn transfer = ixfr(7);

        assertThat(transfer.isAXFR()).isTrue();
        assertThat(texts(transfer.getAXFR())).hasSize(5); // NS, ns1 A, www A, two TXT
    }

    @Test
    void theJournalKeepsTheLatestChangesOnly() throws Exception {
        start(2, 1, V1);
        reload(2, V2);
        reload(3, V3);
        reload(4, V1);

        assertThat(ixfr(1).isAXFR()).isTrue();
        ZoneTransferIn fromTwo = ixfr(2);
        assertThat(fromTwo.isIXFR()).isTrue();
        assertThat(fromTwo.getIXFR()).extracting(delta -> delta.start).containsExactly(2L, 3L);
    }

    @Test
    void newContentUnderTheSameSerialStartsTheJournalOver() throws Exception {
        start(ZoneJournals.DEFAULT_DEPTH, 1, V1);
        reload(2, V2);
        assertThat(ixfr(1).isIXFR()).isTrue();

        reload(2, V3);

        ZoneTransferIn transfer = ixfr(1);
        assertThat(transfer.isAXFR()).isTrue();
        assertThat(texts(transfer.getAXFR())).contains("ns1.example.com. 600 IN A 192.0.2.1");
        // The next change is journaled again, from the serial now served.
        reload(3, V1);
        assertThat(ixfr(2).isIXFR()).isTrue();
        assertThat(ixfr(1).isAXFR()).isTrue();
    }

    @Test
    void aSerialThatWrapsAroundIsNewer() throws Exception {
        // RFC 1982 §3.1: 4294967295 + 1 is 0; 1 is newer than 4294967295.
        start(ZoneJournals.DEFAULT_DEPTH, 4294967295L, V1);
        reload(1, V2);

        ZoneTransferIn transfer = ixfr(4294967295L);

        assertThat(transfer.isIXFR()).isTrue();
        assertThat(transfer.getIXFR()).singleElement().satisfies(delta -> {
            assertThat(delta.start).isEqualTo(4294967295L);
            assertThat(delta.end).isEqualTo(1);
        });
    }

    @Test
    void anOlderSerialStartsTheJournalOver() throws Exception {
        start(ZoneJournals.DEFAULT_DEPTH, 5, V1);
        reload(6, V2);
        reload(4, V3);
        reload(7, V1);

        assertThat(ixfr(5).isAXFR()).isTrue();
        assertThat(ixfr(4).getIXFR()).singleElement().satisfies(delta -> assertThat(delta.end).isEqualTo(7));
    }

    @Test
    void aClientAtTheCurrentSerialGetsTheSoaAlone() throws Exception {
        start(ZoneJournals.DEFAULT_DEPTH, 1, V1);
        reload(2, V2);

        ZoneTransferIn transfer = ixfr(2);

        assertThat(transfer.isCurrent()).isTrue();
    }
}
