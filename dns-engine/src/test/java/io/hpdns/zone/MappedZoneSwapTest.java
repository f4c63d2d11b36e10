package io.hpdns.zone;

import static io.hpdns.query.EngineFixture.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.hpdns.query.AnswerCompiler;
import io.hpdns.query.AnswerSettings;
import io.hpdns.query.EngineFixture;
import io.hpdns.query.Exchange;
import io.hpdns.query.Protocol;
import io.hpdns.query.QueryProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A zone swapped thousands of times, each time a fresh mapping of one of two versions of its
 * image, while other threads answer queries from it, with full collections unmapping the versions
 * no thread holds any more: no query fails, and every answer is wholly one version, never parts of
 * two (the MX preference of one and its target's address of the other).
 */
class MappedZoneSwapTest {
    private static final int SWAPS = 3_000;
    private static final int READERS = 2;

    @TempDir
    Path dir;

    @Test
    void answersStayWholeWhileMappingsAreSwappedAndReleased() throws Exception {
        Path[] images = {image(1, 10, "192.0.2.1"), image(2, 20, "192.0.2.2")};
        ServingStateHolder holder = new ServingStateHolder(ServingState.of(List.of(ZoneImage.read(images[0]).zone())));
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong answered = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] readers = new Thread[READERS];
        for (int t = 0; t < READERS; t++) {
            readers[t] = Thread.ofPlatform().start(() -> {
                QueryProcessor processor = new QueryProcessor(holder, AnswerSettings.defaults());
                Exchange exchange = new Exchange(Exchange.MAX_MESSAGE);
                byte[] query = EngineFixture.query("swap.example.", Type.MX, DClass.IN).toWire();
                try {
                    while (!done.get()) {
                        int length = EngineFixture.answer(processor, exchange, query, query.length, Protocol.UDP);
                        assertWhole(new Message(java.util.Arrays.copyOf(exchange.response(), length)));
                        answered.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        for (int swap = 0; swap < SWAPS && failure.get() == null; swap++) {
            holder.publish(ServingState.of(List.of(ZoneImage.read(images[swap % 2]).zone())));
            if (swap % 100 == 0) {
                // Unmaps every earlier mapping no reader holds any more.
                System.gc();
            }
        }
        done.set(true);
        for (Thread reader : readers) {
            reader.join();
        }

        assertThat(failure.get()).isNull();
        assertThat(answered.get()).as("queries answered during the swaps").isPositive();
    }

    /** One version of the zone: the MX preference and its target's address go together. */
    private Path image(long serial, int preference, String address) throws Exception {
        Path file = Files.writeString(dir.resolve("swap" + serial + ".zone"), """
                $ORIGIN swap.example.
                $TTL 300
                @ SOA ns1 hostmaster %d 7200 3600 1209600 300
                @ NS ns1
                @ MX %d mx
                ns1 A 192.0.2.53
                mx A %s
                """.formatted(serial, preference, address));
        ZoneLoadResult loaded = ZoneLoader.load(name("swap.example."), file);
        Path image = dir.resolve("swap" + serial + ".image");
        ZoneImage.write(AnswerCompiler.compile(loaded.zone()), ZoneFingerprint.of(List.of(file),
                new ZoneFingerprint.Master(FileState.UNSETTLED, ZoneFingerprint.digest(file))), image);
        return image;
    }

    private static void assertWhole(Message response) {
        List<Record> answer = response.getSection(Section.ANSWER);
        List<Record> additional = response.getSection(Section.ADDITIONAL);
        assertThat(answer).hasSize(1);
        int preference = ((MXRecord) answer.getFirst()).getPriority();
        String address = additional.stream().filter(r -> r instanceof ARecord).map(r -> ((ARecord) r).getAddress()
                .getHostAddress()).findFirst().orElseThrow();
        assertThat(address).as("the address that goes with preference %d", preference)
                .isEqualTo(preference == 10 ? "192.0.2.1" : "192.0.2.2");
    }
}
