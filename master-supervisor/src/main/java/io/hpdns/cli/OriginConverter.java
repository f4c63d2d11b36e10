package io.hpdns.cli;

import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A zone origin on the command line; "example.com" and "example.com." are the same zone. */
final class OriginConverter implements ITypeConverter<Name> {

    @Override
    public Name convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** @throws IllegalArgumentException saying what is wrong with {@code value} */
    static Name parse(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("expected a zone name such as example.com., got an empty string");
        }
        try {
            return Name.fromString(value, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a valid zone name '" + value + "': " + e.getMessage());
        }
    }
}
