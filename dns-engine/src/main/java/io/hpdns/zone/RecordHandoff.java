package io.hpdns.zone;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.xbill.DNS.Record;

/**
 * Hands parsed records, in file order, from the thread that reads a master file to the thread that
 * builds the zone, so that dnsjava's parsing and the building each have a core: on two cores a
 * large zone loads in about the parser's time alone (see {@link ZoneLoader} for one core).
 *
 * <p>Records travel in batches through a bounded queue, a few thousand records at a time, so the
 * threads meet a few hundred times for a million records and the records in flight stay young and
 * few. Batches are handed back empty for reuse. Either side may stop the other: the parser when it
 * ends ({@link #finish}), the builder when it fails ({@link #abandon}).
 */
final class RecordHandoff implements MasterFileReader.RecordSink {
    private static final int BATCH = 2048;
    /** Batches in flight: enough that neither side waits on the other's short stalls. */
    private static final int IN_FLIGHT = 8;

    /** Thrown in the parsing thread once the builder has given up, to stop reading the file. */
    static final class Abandoned extends RuntimeException {
        Abandoned() {
            super("zone building stopped", null, false, false);
        }
    }

    private static final class Batch {
        final Record[] records = new Record[BATCH];
        final String[] files = new String[BATCH];
        final int[] lines = new int[BATCH];
        int size;
        /** The last batch: the parser has finished (the batch may still hold records). */
        boolean last;
    }

    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
    private final BlockingQueue<Batch> empty = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
    private volatile boolean abandoned;
    private Batch filling;

    RecordHandoff() {
        for (int i = 0; i < IN_FLIGHT; i++) {
            empty.add(new Batch());
        }
        filling = new Batch();
    }

    /** Parsing thread: queues one record. */
    @Override
    public void accept(Record record, String file, int line) {
        Batch b = filling;
        b.records[b.size] = record;
        b.files[b.size] = file;
        b.lines[b.size] = line;
        if (++b.size == BATCH) {
            hand(b);
            filling = take(empty);
        }
    }

    /** Parsing thread: the file is read (or reading failed); hands over what is left. */
    void finish() {
        if (abandoned || filling == null) {
            return;
        }
        filling.last = true;
        hand(filling);
        filling = null;
    }

    /**
     * Building thread: passes every record to {@code sink}, in file order, until the parser
     * finishes. If the sink throws, the parser is stopped and the exception rethrown.
     */
    void drainTo(MasterFileReader.RecordSink sink) throws InterruptedException {
        try {
            while (true) {
                Batch b = full.take();
                for (int i = 0; i < b.size; i++) {
                    sink.accept(b.records[i], b.files[i], b.lines[i]);
                    b.records[i] = null;
                }
                if (b.last) {
                    return;
                }
                b.size = 0;
                empty.put(b);
            }
        } catch (RuntimeException | Error | InterruptedException e) {
            abandon();
            throw e;
        }
    }

    /** Stops the parsing thread at its next batch, and frees it if it is waiting for one. */
    void abandon() {
        abandoned = true;
        empty.offer(new Batch());
    }

    private void hand(Batch b) {
        if (abandoned) {
            throw new Abandoned();
        }
        try {
            full.put(b);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Abandoned();
        }
    }

    private Batch take(BlockingQueue<Batch> queue) {
        try {
            Batch b = queue.take();
            if (abandoned) {
                throw new Abandoned();
            }
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Abandoned();
        }
    }
}
