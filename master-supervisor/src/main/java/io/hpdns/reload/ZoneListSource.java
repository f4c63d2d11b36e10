package io.hpdns.reload;

import io.hpdns.conf.ConfigException;
import io.hpdns.conf.ZoneConfig;
import java.util.List;

/**
 * Where a full reload learns which zones to serve: the configuration file read again, or the
 * fixed list given on the command line with {@code --zone}.
 */
@FunctionalInterface
public interface ZoneListSource {

    /** @throws ConfigException when the configuration has errors; the reload then changes nothing */
    List<ZoneConfig> zones() throws ConfigException;
}
