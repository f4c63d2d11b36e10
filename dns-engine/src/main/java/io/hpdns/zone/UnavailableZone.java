package io.hpdns.zone;

import org.xbill.DNS.Name;

/**
 * A configured zone that has no data to serve: its master file failed to load and no earlier
 * version was ever served. Its names are answered SERVFAIL rather than REFUSED, as Knot DNS and
 * NSD do for a zone that did not load: the server is authoritative for them and says it cannot
 * answer now, so resolvers try another server instead of concluding the name is not ours, and a
 * parent zone served here does not answer for the child with a referral to itself.
 */
public record UnavailableZone(Name origin) implements Authority {
}
