package io.hpdns.cli;

import io.hpdns.server.ListenAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --listen ADDR:PORT}. */
final class ListenAddressConverter implements ITypeConverter<ListenAddress> {

    @Override
    public ListenAddress convert(String value) {
        try {
            return ListenAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
