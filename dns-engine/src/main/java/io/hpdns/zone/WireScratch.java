package io.hpdns.zone;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * One reusable buffer that dnsjava writes owner names and rdata into while a zone is read, so each
 * record is reduced to wire bytes without the two or three arrays per call that dnsjava's own
 * {@code toWire}, {@code toWireCanonical} and {@code rdataToWireCanonical} make: for a million
 * records that garbage is what the collector spends its time on.
 *
 * <p>dnsjava offers no public way to write rdata into a caller's buffer, or to read its
 * {@link DNSOutput} without a copy, so this reaches the protected {@code Record.rrToWire} (which
 * every record type implements; it is what {@code toWire} calls) and {@code DNSOutput}'s array.
 * Both are there in dnsjava 3.6 and 3.7; should a release drop them, loading a zone throws an
 * error that names them, and every dns-engine test fails with it.
 */
final class WireScratch {
    private static final MethodHandle RR_TO_WIRE;
    private static final VarHandle ARRAY;

    static {
        try {
            RR_TO_WIRE = MethodHandles.privateLookupIn(Record.class, MethodHandles.lookup()).findVirtual(Record.class,
                    "rrToWire", MethodType.methodType(void.class, DNSOutput.class, Compression.class, boolean.class));
            ARRAY = MethodHandles.privateLookupIn(DNSOutput.class, MethodHandles.lookup())
                    .findVarHandle(DNSOutput.class, "array", byte[].class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this dnsjava has no Record.rrToWire or DNSOutput.array,"
                    + " which zone loading needs: use the dnsjava version hpdns is built with", e);
        }
    }

    private final DNSOutput out = new DNSOutput(4096);

    /**
     * Writes the name uncompressed, with its letter case, at {@code at}; returns the offset just
     * past it.
     */
    int name(Name name, int at) {
        out.jump(at);
        name.toWire(out, null);
        return out.current();
    }

    /**
     * Writes the record's rdata at {@code at}, uncompressed, preceded by its 16-bit length as
     * {@link RRset} holds records; returns the offset just past it.
     *
     * @param canonical lowercase the names in the rdata (RFC 4034 §6.2), the form that tells
     *     duplicate records apart
     */
    int rdata(Record rec, boolean canonical, int at) {
        out.jump(at);
        out.writeU16(0);
        try {
            RR_TO_WIRE.invokeExact(rec, out, (Compression) null, canonical);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        int end = out.current();
        out.writeU16At(end - at - 2, at);
        return end;
    }

    /** The buffer written into; valid until the next write, which may replace it with a larger one. */
    byte[] buffer() {
        return (byte[]) ARRAY.get(out);
    }
}
