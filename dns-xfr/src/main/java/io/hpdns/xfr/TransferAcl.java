package io.hpdns.xfr;

import io.hpdns.tsig.TsigKey;
import java.net.InetAddress;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * Who may transfer one zone. A request is allowed when both hold:
 * <ul>
 *   <li>its source address is in one of {@code allow}, or {@code allow} is empty;</li>
 *   <li>it is signed with one of {@code keys} (and the signature verified), or {@code keys} is
 *       empty.</li>
 * </ul>
 * Both empty allows nobody: transfers must be opened explicitly. Like a Knot DNS {@code acl} with
 * {@code address} and {@code key}: with keys listed, an address match alone is not enough. A
 * request whose signature does not verify never gets this far (NOTAUTH, RFC 8945 §5.2).
 *
 * @param allow addresses and prefixes
 * @param keys names of TSIG keys
 */
public record TransferAcl(List<AddressRange> allow, List<Name> keys) {

    /** Nobody may transfer: the default for a zone without a {@code transfer} section. */
    public static final TransferAcl DENY = new TransferAcl(List.of(), List.of());

    public TransferAcl {
        allow = List.copyOf(allow);
        keys = List.copyOf(keys);
    }

    /**
     * @param client where the request comes from
     * @param key the key that signed the request (verified), or null for an unsigned request
     */
    public boolean permits(InetAddress client, TsigKey key) {
        if (allow.isEmpty() && keys.isEmpty()) {
            return false;
        }
        boolean addressOk = allow.isEmpty();
        for (AddressRange range : allow) {
            if (range.contains(client)) {
                addressOk = true;
                break;
            }
        }
        boolean keyOk = keys.isEmpty() || (key != null && keys.contains(key.name()));
        return addressOk && keyOk;
    }
}
