package io.hpdns.ctl;

import io.hpdns.notify.ZoneNotifier;
import io.hpdns.query.Protocol;
import io.hpdns.reload.ReloadReport;
import io.hpdns.reload.ServedZone;
import io.hpdns.reload.UnservedZone;
import io.hpdns.reload.ZoneReloader;
import io.hpdns.stats.QueryCounters;
import io.hpdns.stats.QueryStats;
import io.hpdns.stats.QueryStatsSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The requests a worker carries out on its zones for the master: {@code status}, {@code follow},
 * {@code stats} and {@code notify} (the lifecycle requests, {@code ping},
 * {@code stop} and {@code become}, are the worker command's own).
 */
public final class WorkerControl implements ControlHandler {

    private final ZoneReloader zones;
    private final QueryStats stats;
    private final ZoneNotifier notifier;
    /** The serial last announced for each zone; guarded by itself. */
    private final Map<Name, Long> announced = new HashMap<>();

    /** @param notifier sends the NOTIFYs; null in every worker but the one that sends them */
    public WorkerControl(ZoneReloader zones, QueryStats stats, ZoneNotifier notifier) {
        this.zones = zones;
        this.stats = stats;
        this.notifier = notifier;
    }

    @Override
    public ControlReply handle(String command, List<String> arguments) {
        return switch (command) {
            case "status" -> status();
            case "follow" -> replyTo(zones.follow());
            case "stats" -> ControlReply.ok(counters());
            case "notify" -> announce();
            default -> ControlReply.failed(List.of(), "unknown request \"" + command + "\"");
        };
    }

    private ControlReply status() {
        List<String> lines = new ArrayList<>();
        lines.add("zones: " + (zones.served().size() + zones.unserved().size()));
        for (ServedZone zone : zones.served()) {
            String result = zone.lastError() == null ? "loaded" : "failed (old data kept): " + zone.lastError();
            if (zone.zone().answersDeferred()) {
                result += ", answers deferred";
            }
            lines.add("zone " + zone.zone().origin() + " serial " + zone.zone().serial() + " last-reload "
                    + zone.lastReload() + " " + result);
        }
        for (UnservedZone zone : zones.unserved()) {
            lines.add("zone " + zone.config().name() + " not served (SERVFAIL) last-reload " + zone.lastReload()
                    + " failed: " + zone.reason());
        }
        return ControlReply.ok(lines);
    }

    private static ControlReply replyTo(ReloadReport report) {
        return report.ok() ? ControlReply.ok(report.lines()) : ControlReply.failed(report.lines(), report.failure());
    }

    /**
     * Every query counter as {@code name: value}, zeros included, always in the same order, so the
     * master can sum the workers' lists line by line (and leave out the zeros itself).
     */
    public List<String> counters() {
        QueryStatsSnapshot s = stats.snapshot();
        List<String> lines = new ArrayList<>();
        for (Protocol protocol : Protocol.values()) {
            lines.add("queries." + protocol.name().toLowerCase(Locale.ROOT) + ": " + s.queries(protocol));
        }
        for (int qtype = 0; qtype < QueryCounters.QTYPE_SLOTS; qtype++) {
            lines.add("qtype." + Type.string(qtype) + ": " + s.qtype(qtype));
        }
        lines.add("qtype.other: " + s.qtypeAbove255());
        lines.add("qtype.none: " + s.withoutQuestion());
        for (int rcode = 0; rcode < 16; rcode++) {
            lines.add("rcode." + Rcode.string(rcode) + ": " + s.rcode(rcode));
        }
        lines.add("truncated: " + s.truncated());
        lines.add("dropped: " + s.dropped());
        return lines;
    }

    /**
     * Sends NOTIFY (RFC 1996) for each zone whose serial was not announced yet (every zone, the
     * first time), to its configured secondaries. The master asks for it once every worker serves
     * the new data.
     */
    private ControlReply announce() {
        if (notifier == null) {
            return ControlReply.ok(List.of());
        }
        synchronized (announced) {
            Map<Name, Long> before = new HashMap<>(announced);
            announced.clear();
            for (ServedZone zone : zones.served()) {
                long serial = zone.zone().serial();
                Long last = before.get(zone.config().name());
                if (last == null || last != serial) {
                    notifier.announce(zone.zone(), zone.config().secondaries());
                }
                announced.put(zone.config().name(), serial);
            }
        }
        return ControlReply.ok(List.of());
    }
}
