package dev.parley.sdk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from one parsed JSON object. A missing or mistyped field the protocol promises is
 * the node breaking the contract, so it throws rather than inventing a value.
 */
record JsonObject(Map<String, Object> fields) {

    boolean has(String name) {
        return fields.get(name) != null;
    }

    long integer(String name) {
        if (fields.get(name) instanceof Long v) {
            return v;
        }
        throw missing(name, "an integer");
    }

    long integer(String name, long otherwise) {
        return fields.get(name) instanceof Long v ? v : otherwise;
    }

    String string(String name) {
        if (fields.get(name) instanceof String s) {
            return s;
        }
        throw missing(name, "a string");
    }

    /** The string, or null when the field is absent or null. */
    String optString(String name) {
        return fields.get(name) instanceof String s ? s : null;
    }

    boolean bool(String name) {
        if (fields.get(name) instanceof Boolean b) {
            return b;
        }
        throw missing(name, "a boolean");
    }

    /** The nested object, or null when the field is absent or null. */
    @SuppressWarnings("unchecked")
    JsonObject object(String name) {
        return fields.get(name) instanceof Map<?, ?> m ? new JsonObject((Map<String, Object>) m) : null;
    }

    @SuppressWarnings("unchecked")
    List<JsonObject> objects(String name) {
        List<JsonObject> out = new ArrayList<>();
        if (fields.get(name) instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    out.add(new JsonObject((Map<String, Object>) m));
                }
            }
        }
        return out;
    }

    /** An array field's values as parsed (nested arrays as lists), or an empty list when absent. */
    List<?> list(String name) {
        return fields.get(name) instanceof List<?> l ? l : List.of();
    }

    /** The integers of an array field, or null when the field is absent. */
    List<Long> integers(String name) {
        if (!(fields.get(name) instanceof List<?> list)) {
            return null;
        }
        List<Long> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (o instanceof Long v) {
                out.add(v);
            }
        }
        return List.copyOf(out);
    }

    private IllegalStateException missing(String name, String what) {
        return new IllegalStateException("node answer lacks field '" + name + "' as " + what);
    }
}
