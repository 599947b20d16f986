package dev.parley.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The output of a listing command: tab-separated lines (optionally under a header line naming the
 * columns), or with {@code --json} one JSON array holding an object per line, keyed by the same
 * columns, for scripts that would rather not split on tabs.
 */
final class Listing {
    private static final JsonFactory JSON = new JsonFactory();

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
        StringWriter text = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.writeStartArray();
            for (Object[] row : rows) {
                g.writeStartObject();
                for (int i = 0; i < columns.size(); i++) {
                    g.writeFieldName(columns.get(i).key());
                    switch (row[i]) {
                        case null -> g.writeNull();
                        case Long n -> g.writeNumber(n);
                        case Integer n -> g.writeNumber(n);
                        default -> g.writeString(row[i].toString());
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
