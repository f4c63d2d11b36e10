package io.hpdns.tsig;

import java.io.IOException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIGRecord;

/**
 * The verdict on a TSIG-signed request (RFC 8945 §5.2), and how to sign the responses to it. The
 * request is parsed and checked with dnsjava: this is the cold path, taken by signed messages only.
 *
 * @param request the request as dnsjava parsed it
 * @param record the request's TSIG record
 * @param key the key it names; null when this server has no such key (or not with that algorithm)
 * @param error {@link Rcode#NOERROR} when the signature verified, otherwise the TSIG error:
 *     {@link Rcode#BADKEY}, {@link Rcode#BADSIG} or {@link Rcode#BADTIME}
 */
public record TsigCheck(Message request, TSIGRecord record, TsigKey key, int error) {

    /**
     * Verifies the signed message {@code wire} against the keys.
     *
     * @throws IOException when dnsjava cannot parse the message, or it carries no TSIG record
     */
    public static TsigCheck verify(byte[] wire, TsigKeys keys) throws IOException {
        Message request = new Message(wire);
        TSIGRecord record = request.getTSIG();
        if (record == null) {
            throw new IOException("no TSIG record");
        }
        TsigKey key = keys.find(record.getName());
        // RFC 8945 §5.2.1: a key we do not have, or have for another algorithm, is BADKEY.
        if (key == null || !key.algorithm().equals(record.getAlgorithm())) {
            return new TsigCheck(request, record, null, Rcode.BADKEY);
        }
        int error = key.signer().verify(request, wire, null);
        return new TsigCheck(request, record, key, error);
    }

    public boolean verified() {
        return error == Rcode.NOERROR;
    }

    /**
     * Adds the TSIG record of an error response to {@code response} (RFC 8945 §5.3.2): unsigned
     * for BADKEY and BADSIG, signed and carrying the server's time for BADTIME.
     */
    public void addErrorRecord(Message response) {
        if (key == null) {
            response.addRecord(new TSIGRecord(record.getName(), DClass.ANY, 0, record.getAlgorithm(),
                    record.getTimeSigned(), record.getFudge(), new byte[0], response.getHeader().getID(),
                    Rcode.BADKEY, null), Section.ADDITIONAL);
        } else {
            key.signer().apply(response, error, record, true);
        }
    }

    /**
     * The TSIG record, in wire format, that signs a response already rendered as
     * {@code wire[0..length)} (RFC 8945 §5.3): its MAC covers the request's MAC, the response and
     * the TSIG variables. The caller appends it and adds one to ARCOUNT.
     */
    public byte[] signRendered(byte[] wire, int length) {
        int id = ((wire[0] & 0xff) << 8) | (wire[1] & 0xff);
        byte[] rendered = java.util.Arrays.copyOf(wire, length);
        Record signature = key.signer().generate(new Message(id), rendered, Rcode.NOERROR, record, true);
        return signature.toWire(Section.ADDITIONAL);
    }
}
