package dev.parley.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series a PromQL expression selects: each metric name with its label matchers. Enough of
 * PromQL for the expressions in deploy/ (functions, aggregations with by/without, ranges,
 * arithmetic, Grafana's $variables); a name it cannot place counts as a metric, so a typo fails.
 */
final class PromQl {
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan");

    /** One series selector: {@code name{label op "value", ...}}. */
    record Selector(String metric, List<Matcher> matchers) {
        record Matcher(String label, String op, String value) {
        }
    }

    private PromQl() {
    }

    static List<Selector> selectors(String expr) {
        // Grafana variables and ranges are no series; by/without/on/ignoring lists name labels.
        String text = expr.replaceAll("\\$\\{?[a-zA-Z_]+}?", "1m")
                .replaceAll("\\[[^]]*]", "")
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        List<Selector> out = new ArrayList<>();
        Matcher m = SELECTOR.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            int after = m.end(1);
            boolean isFunction = m.group(2) == null && after < text.length() && text.substring(after).stripLeading().startsWith("(");
            boolean isNumberPart = m.start() > 0 && (Character.isDigit(text.charAt(m.start() - 1)) || text.charAt(m.start() - 1) == '.');
            if (isFunction || isNumberPart || KEYWORDS.contains(name.toLowerCase())) {
                continue;
            }
            List<Selector.Matcher> matchers = new ArrayList<>();
            if (m.group(2) != null) {
                Matcher lm = MATCHER.matcher(m.group(2));
                while (lm.find()) {
                    matchers.add(new Selector.Matcher(lm.group(1), lm.group(2), lm.group(3)));
                }
            }
            out.add(new Selector(name, matchers));
        }
        return out;
    }
}
