package io.hpdns.cli;

import io.hpdns.conf.ZoneConfig;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --zone ORIGIN=FILE}; the file is relative to the working directory. */
final class ZoneOptionConverter implements ITypeConverter<ZoneConfig> {

    @Override
    public ZoneConfig convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** @throws IllegalArgumentException saying what is wrong with {@code value} */
    static ZoneConfig parse(String value) {
        int equals = value.indexOf('=');
        if (equals <= 0 || equals == value.length() - 1) {
            throw new IllegalArgumentException(
                    "expected ORIGIN=FILE, such as example.com.=conf/zones/example.com.zone, got '" + value + "'");
        }
        return new ZoneConfig(OriginConverter.parse(value.substring(0, equals)), Path.of(value.substring(equals + 1)));
    }
}
