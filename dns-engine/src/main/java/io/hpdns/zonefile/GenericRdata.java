package io.hpdns.zonefile;

/** RFC 3597 §5: {@code \# length hex}, the rdata of any type as octets. */
final class GenericRdata {
    private GenericRdata() {}

    /** Reads what follows the {@code \#} token. */
    static void parse(Fields f) throws ScanException {
        long length = f.unsigned("the rdata length", 0xFFFF);
        int before = f.out.position();
        f.hex("the rdata in hexadecimal", false);
        int octets = f.out.position() - before;
        if (octets != length) {
            throw new ScanException("\\# says " + length + " octets of rdata but " + octets + " follow (RFC 3597 §5)");
        }
    }
}
