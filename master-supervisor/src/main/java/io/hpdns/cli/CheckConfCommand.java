package io.hpdns.cli;

import io.hpdns.conf.ConfigException;
import io.hpdns.conf.ConfigProblem;
import io.hpdns.conf.ConfigReader;
import io.hpdns.conf.HpdnsConfig;
import io.hpdns.zone.Zone;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hpdns check-conf [FILE]}: validate the configuration and every zone it names, without serving. */
@Command(
        name = "check-conf",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = {
            "Validate a configuration file and every zone file it names, without serving.",
            "Prints each problem as file:line: message on stderr; exits 0 when there is no error, 1 otherwise."
        })
final class CheckConfCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
            description = "The configuration file (default: conf/hpdns.yaml in the working directory,"
                    + " else in the hpdns installation directory).")
    private Path file;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Path configFile = ConfigLocation.resolve(file);
        HpdnsConfig config;
        try {
            config = ConfigReader.read(configFile);
        } catch (ConfigException e) {
            for (ConfigProblem problem : e.problems()) {
                err.println(problem.format());
            }
            err.flush();
            throw new CommandFailure(configFile + ": " + Plural.of(e.problems().size(), "error"));
        }
        LoadedZones loaded = LoadedZones.load(config.zones(), problem -> err.println(problem.format()));
        err.flush();
        if (loaded.failures() > 0) {
            throw new CommandFailure(Plural.of(loaded.failures(), "zone") + " failed to load");
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Zone zone : loaded.zones()) {
            out.println(zone.origin() + ": loaded serial " + zone.serial() + ", " + Plural.of(zone.recordCount(), "record"));
        }
        out.println(configFile + ": ok, " + Plural.of(loaded.zones().size(), "zone"));
        out.flush();
        return 0;
    }
}
