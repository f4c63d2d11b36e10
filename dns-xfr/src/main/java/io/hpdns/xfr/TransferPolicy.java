package io.hpdns.xfr;

import io.hpdns.tsig.TsigKeys;
import java.util.Map;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * Zone transfer settings of the whole server: how many transfers may stream at once, the TSIG
 * keys, and each zone's access list.
 *
 * @param maxTransfers transfers served at the same time at most; more wait their turn
 * @param keys the TSIG keys requests may be signed with
 * @param acls access list by zone origin; a zone not in the map may not be transferred
 */
public record TransferPolicy(int maxTransfers, TsigKeys keys, Map<Name, TransferAcl> acls) {

    public static final int DEFAULT_MAX_TRANSFERS = 10;
    public static final int MAX_MAX_TRANSFERS = 10_000;

    public TransferPolicy {
        Objects.requireNonNull(keys, "keys");
        acls = Map.copyOf(acls);
        if (maxTransfers < 1 || maxTransfers > MAX_MAX_TRANSFERS) {
            throw new IllegalArgumentException("server.tcp.max-transfers must be between 1 and "
                    + MAX_MAX_TRANSFERS + ", got " + maxTransfers);
        }
    }

    /** No keys and no access lists: every transfer is REFUSED. */
    public static TransferPolicy denyAll() {
        return new TransferPolicy(DEFAULT_MAX_TRANSFERS, TsigKeys.NONE, Map.of());
    }

    public TransferAcl acl(Name zone) {
        return acls.getOrDefault(zone, TransferAcl.DENY);
    }

    public TransferPolicy withMaxTransfers(int transfers) {
        return new TransferPolicy(transfers, keys, acls);
    }
}
