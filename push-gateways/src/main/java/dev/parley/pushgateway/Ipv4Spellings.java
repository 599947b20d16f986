package dev.parley.pushgateway;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Reads a host the way the C library's {@code inet_aton} does, as curl, browsers' URL parsers
 * and many proxies do: one to four parts, each decimal, octal (leading 0) or hex (leading 0x), the
 * last filling the remaining bytes. So {@code 0177.0.0.1}, {@code 0x7f.1}, {@code 127.1} and
 * {@code 2130706433} are all 127.0.0.1, although Java's own resolver reads {@code 0177.0.0.1} as
 * 177.0.0.1. A host that is not such a number is left to the name resolver.
 */
final class Ipv4Spellings {
    private Ipv4Spellings() {
    }

    /**
     * The address a numeric host stands for; null if it is not numeric (a name). A host made of
     * numbers that is no address ({@code 08.1.2.3}, {@code 1.2.3.256}, five parts) is refused as
     * unresolvable rather than handed to a resolver that might read it some other way.
     */
    static InetAddress parse(String host) throws UnknownHostException {
        String[] parts = host.split("\\.", -1);
        boolean numeric = true;
        for (String part : parts) {
            numeric &= !part.isEmpty() && Character.isDigit(part.charAt(0)) && part.chars().allMatch(
                    c -> Character.digit(c, 16) >= 0 || c == 'x' || c == 'X');
        }
        if (!numeric) {
            return null;
        }
        // From here the host is a number to every reader; one they would read differently is refused.
        if (parts.length > 4) {
            throw new UnknownHostException(host + ": not an address");
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = number(parts[i]);
            if (values[i] < 0) {
                throw new UnknownHostException(host + ": not an address");
            }
        }
        long address = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 0xff) {
                throw new UnknownHostException(host + ": not an address");
            }
            address |= values[i] << (24 - 8 * i);
        }
        long last = values[values.length - 1];
        int lastBits = 32 - 8 * (values.length - 1);
        if (last >= (1L << lastBits)) {
            throw new UnknownHostException(host + ": not an address");
        }
        address |= last;
        return InetAddress.getByAddress(host, new byte[]{
                (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
    }

    /** The part's value, or -1 when it is not a number (or too long to be one of an address). */
    private static long number(String part) {
        if (part.isEmpty() || part.length() > 12) {
            return -1;
        }
        int radix = 10;
        String digits = part;
        if (part.length() > 1 && (part.startsWith("0x") || part.startsWith("0X"))) {
            radix = 16;
            digits = part.substring(2);
        } else if (part.length() > 1 && part.startsWith("0")) {
            radix = 8;
            digits = part.substring(1);
        }
        if (digits.isEmpty()) {
            return radix == 16 ? 0 : -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), radix) < 0) {
                return -1;
            }
        }
        return Long.parseLong(digits, radix);
    }
}
