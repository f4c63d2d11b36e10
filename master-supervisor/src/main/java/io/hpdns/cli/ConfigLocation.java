package io.hpdns.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the configuration is when no file is named: {@code conf/hpdns.yaml} in the working
 * directory, else under the installation directory that {@code scripts/hpdns} passes as the
 * {@code hpdns.home} system property, so the launcher works from any directory.
 */
final class ConfigLocation {

    static final Path DEFAULT = Path.of("conf", "hpdns.yaml");
    static final String HOME_PROPERTY = "hpdns.home";

    private ConfigLocation() {}

    /** The named file as given, or the default file (which may not exist: reading it says so). */
    static Path resolve(Path named) {
        if (named != null) {
            return named;
        }
        if (Files.exists(DEFAULT)) {
            return DEFAULT;
        }
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            Path installed = Path.of(home).resolve(DEFAULT);
            if (Files.exists(installed)) {
                return installed;
            }
        }
        return DEFAULT;
    }
}
