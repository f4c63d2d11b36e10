package io.hpdns.ctl;

import io.hpdns.notify.ZoneNotifier;
import io.hpdns.query.AnswerSettings;
import io.hpdns.query.Protocol;
import io.hpdns.query.QueryPathWarmup;
import io.hpdns.reload.ReloadReport;
import io.hpdns.reload.ServedZone;
import io.hpdns.reload.UnservedZone;
import io.hpdns.reload.ZoneOutcome;
import io.hpdns.reload.ZoneReloader;
import io.hpdns.stats.QueryCounters;
import io.hpdns.stats.QueryStats;
import io.hpdns.stats.QueryStatsSnapshot;
import io.hpdns.zone.ZoneProblem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The requests a worker carries out on its zones for the master: {@code status}, {@code reload
 * [ZONE]}, {@code follow}, {@code stats} and {@code notify} (the lifecycle requests, {@code ping},
 * {@code stop} and {@code become}, are the worker command's own).
 */
public final class WorkerControl implements ControlHandler {

    private final ZoneReloader zones;
    private final AnswerSettings settings;
    private final QueryStats stats;
    private final ZoneNotifier notifier;
    /** The serial last announced for each zone; guarded by itself. */
    private final Map<Name, Long> announced = new HashMap<>();

    /**
     * @param settings how the worker answers, for the warm-up after a reload
     * @param notifier sends the NOTIFYs; null in every worker but the one that sends them
     */
    public WorkerControl(ZoneReloader zones, AnswerSettings settings, QueryStats stats, ZoneNotifier notifier) {
        this.zones = zones;
        this.settings = settings;
        this.stats = stats;
        this.notifier = notifier;
    }

    @Override
    public ControlReply handle(String command, List<String> arguments) {
        return switch (command) {
            case "status" -> status();
            case "reload" -> warmed(reload(arguments));
            case "follow" -> warmed(replyTo(zones.follow()));
            case "stats" -> ControlReply.ok(counters());
            case "notify" -> announce();
            default -> ControlReply.failed(List.of(), "unknown request \"" + command + "\"");
        };
    }

    private ControlReply status() {
        List<String> lines = new ArrayList<>();
        lines.add("zones: " + (zones.served().size() + zones.unserved().size()));
        for (ServedZone zone : zones.served()) {
            ZoneOutcome last = zone.lastResult();
            String result = last.kind().name().toLowerCase(Locale.ROOT);
            if (last.kind() == ZoneOutcome.Kind.FAILED) {
                result += " (" + errorCount(last) + " errors; old data kept)";
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

    private static long errorCount(ZoneOutcome outcome) {
        return outcome.problems().stream().filter(ZoneProblem::isError).count();
    }

    private ControlReply reload(List<String> arguments) {
        ReloadReport report;
        if (arguments.isEmpty()) {
            report = zones.reloadAll();
        } else {
            Name zone;
            try {
                zone = Name.fromString(arguments.getFirst(), Name.root);
            } catch (TextParseException e) {
                return ControlReply.failed(List.of(), "\"" + arguments.getFirst() + "\" is not a zone name: "
                        + e.getMessage());
            }
            report = zones.reload(zone);
        }
        return replyTo(report);
    }

    /**
     * The reply, once the query path has run over the zones now served ({@link QueryPathWarmup}):
     * a reload ran the lookup over layouts in memory while it compiled them, which can make the
     * JIT compiler drop the query path's code compiled for the mapped layouts it serves from; the
     * master has the worker's UDP sockets rejoin their groups only after this reply.
     */
    private ControlReply warmed(ControlReply reply) {
        QueryPathWarmup.run(zones.holder(), settings);
        return reply;
    }

    private static ControlReply replyTo(ReloadReport report) {
        List<String> lines = new ArrayList<>();
        for (ZoneOutcome outcome : report.zones()) {
            lines.add(outcome.describe());
        }
        lines.addAll(report.errors());
        if (report.ok()) {
            return ControlReply.ok(lines);
        }
        if (report.failedZones() == 0) {
            return ControlReply.failed(lines, "nothing reloaded");
        }
        return ControlReply.failed(lines, report.failedZones() + " zone(s) failed to load and keep their old data");
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
