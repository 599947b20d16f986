package dev.parley.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The type of a {@link Setting}: how a value from the YAML file or an environment variable
 * becomes one (references already resolved), and how a value is shown in docs/operations.md.
 * A bad value throws {@link IllegalArgumentException} with only the problem; the loader adds the
 * setting's name and where the value came from.
 */
public interface Kind<T> {
    /** {@code raw} is a String, or for {@link #LIST} a String or a List of Strings. */
    T parse(Object raw);

    String show(T value);

    Kind<String> STRING = new Kind<>() {
        public String parse(Object raw) {
            return single(raw);
        }

        public String show(String value) {
            return value;
        }
    };

    /** A whole number; byte units are accepted as everywhere else ({@code 64KiB}). */
    Kind<Integer> COUNT = new Kind<>() {
        public Integer parse(Object raw) {
            return toInt(single(raw));
        }

        public String show(Integer value) {
            return String.valueOf(value);
        }
    };

    /** A number of bytes that fits an int, shown with its unit. */
    Kind<Integer> BYTES = new Kind<>() {
        public Integer parse(Object raw) {
            return toInt(single(raw));
        }

        public String show(Integer value) {
            return showBytes(value);
        }
    };

    /** A number of bytes up to a long: {@code 25MiB}, {@code 4GiB}. */
    Kind<Long> LARGE_BYTES = new Kind<>() {
        public Long parse(Object raw) {
            return bytes(single(raw));
        }

        public String show(Long value) {
            return showBytes(value);
        }
    };

    Kind<Boolean> BOOLEAN = new Kind<>() {
        public Boolean parse(Object raw) {
            String s = single(raw);
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException("must be true or false, not '" + s + "'");
            };
        }

        public String show(Boolean value) {
            return String.valueOf(value);
        }
    };

    /** {@code 500ms}, {@code 25s}, {@code 5m}, {@code 12h}, {@code 30d}; a bare number is milliseconds. */
    Kind<Duration> DURATION = new Kind<>() {
        public Duration parse(Object raw) {
            String s = single(raw);
            Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?").matcher(s.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("must be a duration like 500ms, 25s, 5m, 12h or 30d, not '" + s + "'");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2) == null ? "ms" : m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }

        public String show(Duration d) {
            long ms = d.toMillis();
            if (ms == 0) {
                return "0";
            }
            if (ms % 1000 != 0) {
                return ms + "ms";
            }
            if (ms % 60_000 != 0) {
                return ms / 1000 + "s";
            }
            return ms % 3_600_000 != 0 ? ms / 60_000 + "m" : ms / 3_600_000 + "h";
        }
    };

    Kind<Path> PATH = new Kind<>() {
        public Path parse(Object raw) {
            return Path.of(single(raw));
        }

        public String show(Path value) {
            return value.toString();
        }
    };

    /** A YAML sequence, or a comma-separated string (as environment variables give it). */
    Kind<List<String>> LIST = new Kind<>() {
        public List<String> parse(Object raw) {
            List<String> out = new ArrayList<>();
            if (raw instanceof List<?> l) {
                for (Object o : l) {
                    out.add(String.valueOf(o));
                }
                return out;
            }
            for (String part : single(raw).split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
            return out;
        }

        public String show(List<String> value) {
            return value.isEmpty() ? "none" : String.join(", ", value);
        }
    };

    /** One of a fixed set of words, parsed by the domain type's own {@code parse} (whose message says which). */
    static <E> Kind<E> choice(Function<String, E> parse, Function<E, String> wire) {
        return new Kind<>() {
            public E parse(Object raw) {
                return parse.apply(single(raw));
            }

            public String show(E value) {
                return wire.apply(value);
            }
        };
    }

    private static String single(Object raw) {
        if (raw instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("must be a single value");
    }

    private static int toInt(String s) {
        long n = bytes(s);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(s + " is too large");
        }
        return (int) n;
    }

    private static long bytes(String s) {
        Matcher m = Pattern.compile("(\\d+)\\s*(KiB|MiB|GiB|k|K|M|G)?").matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("must be a whole number (optionally with KiB, MiB or GiB), not '" + s + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "" : m.group(2)) {
            case "KiB", "k", "K" -> n * 1024;
            case "MiB", "M" -> n * 1024 * 1024;
            case "GiB", "G" -> n * 1024 * 1024 * 1024;
            default -> n;
        };
    }

    private static String showBytes(long n) {
        String[] units = {"GiB", "MiB", "KiB"};
        long[] sizes = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (n >= sizes[i] && n % sizes[i] == 0) {
                return n / sizes[i] + units[i];
            }
        }
        return String.valueOf(n);
    }
}
