package io.hpdns.cli;

import io.hpdns.server.UdpTransportKind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --udp-transport ffm|netty}. */
final class UdpTransportConverter implements ITypeConverter<UdpTransportKind> {

    @Override
    public UdpTransportKind convert(String value) {
        try {
            return UdpTransportKind.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
