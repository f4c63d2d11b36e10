package io.hpdns.notify;

import java.net.InetSocketAddress;
import org.xbill.DNS.Name;

/**
 * How the NOTIFY of one zone version to one secondary ended.
 *
 * @param zone the zone's origin
 * @param serial the serial announced
 * @param target the secondary
 * @param acknowledged whether the secondary answered (false: every try went unanswered or failed)
 * @param tries how many times the NOTIFY was sent
 */
public record NotifyOutcome(Name zone, long serial, InetSocketAddress target, boolean acknowledged, int tries) {}
