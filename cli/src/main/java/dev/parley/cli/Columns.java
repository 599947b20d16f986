package dev.parley.cli;

import java.util.StringJoiner;

/**
 * One line of tab-separated output for scripts: each cell on one line, with no tab in it, so
 * {@code cut -f} and {@code awk -F'\t'} always find the same columns.
 */
final class Columns {
    private Columns() {
    }

    static String row(Object... cells) {
        StringJoiner line = new StringJoiner("\t");
        for (Object c : cells) {
            line.add(cell(c));
        }
        return line.toString();
    }

    /** The text with tabs, line breaks and other control characters turned into spaces. */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString();
    }
}
