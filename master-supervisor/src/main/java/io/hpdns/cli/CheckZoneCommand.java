package io.hpdns.cli;

import io.hpdns.zone.DnssecCheck;
import io.hpdns.zone.ZoneLoadResult;
import io.hpdns.zone.ZoneLoader;
import io.hpdns.zone.ZoneProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.xbill.DNS.Name;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hpdns check-zone [--dnssec] ORIGIN FILE}: validate one zone file without serving it, like
 * {@code kzonecheck}.
 */
@Command(
        name = "check-zone",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = {
            "Load and validate one zone file without serving it.",
            "Prints each problem as file:line: message on stderr; exits 0 when the zone has no errors"
                    + " (warnings allowed), 1 otherwise."
        })
final class CheckZoneCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ORIGIN", converter = OriginConverter.class,
            description = "The zone's origin, such as example.com. (the trailing dot is optional).")
    private Name origin;

    @Parameters(index = "1", paramLabel = "FILE", description = "The zone's master file (RFC 1035 §5).")
    private Path file;

    @Option(names = "--dnssec",
            description = "Check the zone's DNSSEC too, as a validator sees it (like kzonecheck -d on): every"
                    + " RRSIG has its DNSKEY, verifies and is valid now, every authoritative RRset is signed,"
                    + " the NSEC chain links every name with its types.")
    private boolean dnssec;

    @Option(names = "--expiry-days", paramLabel = "DAYS", defaultValue = "7",
            description = "With --dnssec: warn about signatures that expire within DAYS days (default: ${DEFAULT-VALUE}).")
    private int expiryDays;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (expiryDays < 0) {
            throw new ParameterException(spec.commandLine(), "--expiry-days must not be negative");
        }
        ZoneLoadResult result = ZoneLoader.load(origin, file);
        List<ZoneProblem> problems = new ArrayList<>(result.problems());
        if (dnssec && result.ok()) {
            problems.addAll(DnssecCheck.check(result.zone(), file, Instant.now(), Duration.ofDays(expiryDays)));
        }
        int errors = 0;
        for (ZoneProblem problem : problems) {
            err.println(problem.format());
            if (problem.isError()) {
                errors++;
            }
        }
        err.flush();
        if (!result.ok() || errors > 0) {
            throw new CommandFailure(origin + ": " + Plural.of(Math.max(errors, 1), "error") + " in " + file
                    + ", zone not loaded");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(origin + ": loaded serial " + result.zone().serial() + ", "
                + Plural.of(result.zone().recordCount(), "record"));
        out.flush();
        return 0;
    }
}
