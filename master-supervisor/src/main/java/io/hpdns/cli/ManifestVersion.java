package io.hpdns.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest's {@code Implementation-Version}; "dev" outside the jar. */
final class ManifestVersion implements IVersionProvider {

    static String version() {
        String version = HpdnsCommand.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"hpdns " + version()};
    }
}
