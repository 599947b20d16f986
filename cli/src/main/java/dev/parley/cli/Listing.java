package dev.parley.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The output of a listing command: tab-separated lines (optionally under a header line naming the
 * columns), or with {@code --json} one JSON array holding an object per line, keyed by the same
 * columns, for scripts that would rather not split on tabs.
 */
final class Listing {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A column: its name in the header line, and its key in JSON. */
    record Column(String header, String key) {
    }

    /** The {@code --header} and {@code --json} options of a listing command. */
    static final class Format {
        @Option(names = "--header", description = "Print a first line naming the columns.")
        boolean header;

        @Option(names = "--json", description = "Print a JSON array instead: one object per line, keyed by column.")
        boolean json;
    }

    private final List<Column> columns;
    private final List<Object[]> rows = new ArrayList<>();

    Listing(Column... columns) {
        this.columns = List.of(columns);
    }

    /** Adds a line; numbers stay numbers in JSON, null is an empty cell or JSON null. */
    void add(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + columns.size() + " columns");
        }
        rows.add(cells.clone());
    }

    void print(PrintWriter out, Format format) {
        if (format.json) {
            out.println(json());
            return;
        }
        if (format.header) {
            out.println(Columns.row(columns.stream().map(Column::header).toArray()));
        }
        for (Object[] row : rows) {
            out.println(Columns.row(row));
        }
    }

    private String json() {
        ArrayNode lines = JSON.createArrayNode();
        for (Object[] row : rows) {
            ObjectNode line = lines.addObject();
            for (int i = 0; i < columns.size(); i++) {
                String key = columns.get(i).key();
                switch (row[i]) {
                    case null -> line.putNull(key);
                    case Long n -> line.put(key, n);
                    case Integer n -> line.put(key, n);
                    default -> line.put(key, row[i].toString());
                }
            }
        }
        try {
            return JSON.writeValueAsString(lines);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
