package dev.parley.store;

/** The few SQL spellings that differ between SQLite and PostgreSQL. */
public enum Dialect {
    SQLITE("max", "min"),
    POSTGRES("greatest", "least");

    private final String greatest;
    private final String least;

    Dialect(String greatest, String least) {
        this.greatest = greatest;
        this.least = least;
    }

    /** The scalar function returning the larger of two values. */
    public String greatest() {
        return greatest;
    }

    /** The scalar function returning the smaller of two values. */
    public String least() {
        return least;
    }
}
