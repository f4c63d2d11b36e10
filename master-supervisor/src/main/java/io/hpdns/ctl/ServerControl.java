package io.hpdns.ctl;

import io.hpdns.query.Protocol;
import io.hpdns.reload.ReloadReport;
import io.hpdns.reload.ServedZone;
import io.hpdns.reload.ZoneOutcome;
import io.hpdns.reload.ZoneReloader;
import io.hpdns.stats.QueryCounters;
import io.hpdns.stats.QueryStats;
import io.hpdns.stats.QueryStatsSnapshot;
import io.hpdns.zone.ZoneProblem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** The commands of {@code hpdns ctl}, carried out on a running server. */
public final class ServerControl implements ControlHandler {

    static final String USAGE = "expected status, reload [ZONE], stats, stop or restart";

    private final ZoneReloader zones;
    private final QueryStats stats;
    private final BooleanSupplier stop;
    private final Clock clock;
    private final Instant started;

    /**
     * @param stop stops the server and returns whether it stopped within its grace period
     */
    public ServerControl(ZoneReloader zones, QueryStats stats, BooleanSupplier stop, Clock clock) {
        this.zones = zones;
        this.stats = stats;
        this.stop = stop;
        this.clock = clock;
        this.started = clock.instant();
    }

    @Override
    public ControlReply handle(String command, List<String> arguments) {
        return switch (command) {
            case "status" -> arguments.isEmpty() ? status() : usage(command);
            case "reload" -> arguments.size() <= 1 ? reload(arguments) : usage(command);
            case "stats" -> arguments.isEmpty() ? stats() : usage(command);
            case "stop" -> arguments.isEmpty() ? stop() : usage(command);
            case "restart" -> ControlReply.failed(List.of(), "restart needs worker processes, and this server runs"
                    + " as a single process: stop it and start it again");
            default -> ControlReply.failed(List.of(), "unknown command \"" + command + "\" (" + USAGE + ")");
        };
    }

    private static ControlReply usage(String command) {
        return ControlReply.failed(List.of(), "wrong arguments for " + command + " (" + USAGE + ")");
    }

    private ControlReply status() {
        List<String> lines = new ArrayList<>();
        lines.add("pid: " + ProcessHandle.current().pid());
        lines.add("uptime: " + Duration.between(started, clock.instant()).toSeconds() + "s");
        lines.add("zones: " + zones.served().size());
        for (ServedZone zone : zones.served()) {
            ZoneOutcome last = zone.lastResult();
            String result = last.kind().name().toLowerCase(Locale.ROOT);
            if (last.kind() == ZoneOutcome.Kind.FAILED) {
                result += " (" + errorCount(last) + " errors; old data kept)";
            }
            lines.add("zone " + zone.zone().origin() + " serial " + zone.zone().serial() + " last-reload "
                    + zone.lastReload() + " " + result);
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

    private ControlReply stats() {
        QueryStatsSnapshot s = stats.snapshot();
        List<String> lines = new ArrayList<>();
        for (Protocol protocol : Protocol.values()) {
            lines.add("queries." + protocol.name().toLowerCase(Locale.ROOT) + ": " + s.queries(protocol));
        }
        for (int qtype = 0; qtype < QueryCounters.QTYPE_SLOTS; qtype++) {
            if (s.qtype(qtype) > 0) {
                lines.add("qtype." + Type.string(qtype) + ": " + s.qtype(qtype));
            }
        }
        if (s.qtypeAbove255() > 0) {
            lines.add("qtype.other: " + s.qtypeAbove255());
        }
        if (s.withoutQuestion() > 0) {
            lines.add("qtype.none: " + s.withoutQuestion());
        }
        for (int rcode = 0; rcode < 16; rcode++) {
            if (s.rcode(rcode) > 0) {
                lines.add("rcode." + Rcode.string(rcode) + ": " + s.rcode(rcode));
            }
        }
        lines.add("truncated: " + s.truncated());
        lines.add("dropped: " + s.dropped());
        long[] reloads = zones.reloadCounts();
        lines.add("reloads: " + reloads[0]);
        lines.add("reloads.failed: " + reloads[1]);
        return ControlReply.ok(lines);
    }

    private ControlReply stop() {
        if (stop.getAsBoolean()) {
            return ControlReply.ok(List.of("stopped"));
        }
        return ControlReply.failed(List.of(), "the server did not stop within its grace period; see its log");
    }
}
