package io.hpdns.xfr;

import io.hpdns.tsig.TsigCheck;
import java.io.IOException;
import java.io.OutputStream;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;

/**
 * The response messages of one transfer on a TCP stream (RFC 5936 §2.2): records are packed into
 * messages of about {@link #TARGET_SIZE} bytes, each carrying the request's ID and question, AA set,
 * an OPT when the request had one, and, for a signed request, a TSIG record: the first signed with
 * the request's MAC, each later one with the previous message's MAC (RFC 8945 §5.3.1). Every
 * message is signed, which RFC 8945 allows and keeps the verifier's work simple.
 */
final class TransferStream {

    /**
     * Records per message, in bytes before compression. Large enough to keep per-message overhead
     * (header, question, TSIG) small, small enough to keep each message well below 64 KiB.
     */
    static final int TARGET_SIZE = 16 * 1024;

    /** RFC 6891 §6.2.5 payload size announced in the OPT echoed to an EDNS request. */
    static final int EDNS_PAYLOAD = 1232;

    private final Message request;
    private final TsigCheck signed;
    private final TSIG signer;
    private final OutputStream out;
    private TSIGRecord previousMac;
    private Message pending;
    private int pendingSize;
    private int messages;
    private long records;

    /** @param signed the verified TSIG of the request, or null for an unsigned request */
    TransferStream(Message request, TsigCheck signed, OutputStream out) {
        this.request = request;
        this.signed = signed;
        this.signer = signed == null ? null : signed.key().signer();
        this.previousMac = signed == null ? null : signed.record();
        this.out = out;
    }

    /** Adds a record, sending the message under way first when the record would overfill it. */
    void add(Record record) throws IOException {
        int size = record.getName().length() + 10 + record.rdataToWireCanonical().length;
        if (pending != null && pendingSize + size > TARGET_SIZE) {
            send();
        }
        if (pending == null) {
            pending = newMessage(Rcode.NOERROR);
            pendingSize = 0;
        }
        pending.addRecord(record, Section.ANSWER);
        pendingSize += size;
        records++;
    }

    /** Sends the message under way, if any, and flushes the stream. */
    void finish() throws IOException {
        if (pending != null) {
            send();
        }
        out.flush();
    }

    int messages() {
        return messages;
    }

    long records() {
        return records;
    }

    private Message newMessage(int rcode) {
        Message message = new Message(request.getHeader().getID());
        message.getHeader().setFlag(Flags.QR);
        message.getHeader().setFlag(Flags.AA);
        message.getHeader().setOpcode(request.getHeader().getOpcode());
        message.getHeader().setRcode(rcode);
        // RFC 5936 §2.2.1: the question may be left out after the first message; echoing it in
        // every one costs a few bytes and suits every client.
        message.addRecord(request.getQuestion(), Section.QUESTION);
        if (request.getOPT() != null) {
            message.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
        }
        return message;
    }

    private void send() throws IOException {
        if (signer != null) {
            signer.apply(pending, previousMac, messages == 0);
            previousMac = pending.getTSIG();
        }
        write(out, pending.toWire());
        messages++;
        pending = null;
    }

    /** One message with its two-byte length (RFC 1035 §4.2.2), in one write. */
    static void write(OutputStream out, byte[] wire) throws IOException {
        byte[] framed = new byte[2 + wire.length];
        framed[0] = (byte) (wire.length >>> 8);
        framed[1] = (byte) wire.length;
        System.arraycopy(wire, 0, framed, 2, wire.length);
        out.write(framed);
    }
}
