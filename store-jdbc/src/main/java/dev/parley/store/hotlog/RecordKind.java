package dev.parley.store.hotlog;

/**
 * What a log record is. The names follow the history's {@code MessageKind}; the codes are the
 * on-disk byte and never change (new kinds take new codes). {@link #ERASED} is a record whose
 * body was overwritten with zeros in place (an unsent message): its original kind is gone.
 */
public enum RecordKind {
    TEXT(1), CREATED(2), MEMBERS_ADDED(3), MEMBER_REMOVED(4), MEMBER_LEFT(5), RENAMED(6), ROLE_CHANGED(7),
    REQUEST_ACCEPTED(8), REACTION_ADDED(9), REACTION_REMOVED(10), EDITED(11), DELETED(12),
    ERASED(127);

    private static final RecordKind[] BY_CODE = new RecordKind[128];

    static {
        for (RecordKind k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final byte code;

    RecordKind(int code) {
        this.code = (byte) code;
    }

    /** The byte written in the record. */
    public byte code() {
        return code;
    }

    /** The kind of {@code code}, or null for a byte that is no kind (a damaged record). */
    static RecordKind of(byte code) {
        return code > 0 ? BY_CODE[code] : null;
    }
}
