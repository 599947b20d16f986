package dev.parley.loadgen;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading figures out of the node's {@code /metrics} text (Prometheus exposition format). */
final class MetricsText {
    private MetricsText() {
    }

    /** The sum of the samples {@code p} matches (its group 1 is the value), or -1 when none does. */
    static long sum(Pattern p, String text) {
        Matcher m = p.matcher(text);
        double sum = 0;
        boolean any = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            any = true;
        }
        return any ? (long) sum : -1;
    }
}
