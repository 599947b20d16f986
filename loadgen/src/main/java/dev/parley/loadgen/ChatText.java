package dev.parley.loadgen;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Chat-like message text for the search workload: 3 to 14 words drawn from a fixed vocabulary
 * with Zipf's law (the word of rank r comes up about 1/r as often as the first), as words come up
 * in real chats: a few very common words, a long tail of rare ones. The vocabulary holds accented
 * words (so folding is exercised) and a few CJK ones; none holds a quote or a backslash, so the
 * text goes into a frame as it is.
 */
final class ChatText {
    /** The vocabulary, most common first. */
    static final List<String> WORDS = List.of(
            "the", "you", "to", "and", "it", "is", "that", "of", "in", "we", "for", "on", "me", "this", "what",
            "be", "at", "are", "so", "just", "have", "do", "can", "was", "with", "not", "but", "my", "all", "ok",
            "yes", "no", "get", "how", "now", "see", "go", "will", "there", "when", "know", "about", "think", "out",
            "time", "good", "tomorrow", "today", "tonight", "meeting", "thanks", "sure", "later", "here", "home",
            "work", "call", "send", "let", "maybe", "going", "need", "want", "coffee", "lunch", "dinner", "week",
            "weekend", "morning", "evening", "love", "great", "sorry", "back", "right", "still", "again", "friday",
            "monday", "train", "station", "office", "project", "photo", "picture", "birthday", "party", "game",
            "movie", "music", "book", "school", "class", "doctor", "weather", "rain", "sunny", "holiday", "trip",
            "flight", "airport", "hotel", "beach", "mountain", "river", "garden", "kitchen", "recipe", "pasta",
            "pizza", "bread", "cheese", "wine", "beer", "tea", "café", "crème", "brûlée", "déjà", "naïve", "résumé",
            "façade", "über", "señor", "mañana", "zürich", "münchen", "kraków", "são", "paulo", "ångström", "straße",
            "deadline", "budget", "invoice", "contract", "review", "draft", "report", "slides", "agenda", "minutes",
            "schedule", "calendar", "reminder", "password", "account", "update", "release", "version", "server",
            "database", "backup", "network", "printer", "laptop", "keyboard", "charger", "battery", "bicycle",
            "scooter", "parking", "ticket", "concert", "festival", "museum", "gallery", "theatre", "library",
            "bakery", "market", "pharmacy", "hospital", "dentist", "vaccine", "insurance", "mortgage", "landlord",
            "plumber", "electrician", "furniture", "sofa", "curtains", "balcony", "neighbour", "puppy", "kitten",
            "hamster", "parrot", "tortoise", "aquarium", "volcano", "glacier", "canyon", "lagoon", "archipelago",
            "telescope", "microscope", "saxophone", "violin", "cello", "harpsichord", "accordion", "tambourine",
            "xylophone", "origami", "calligraphy", "embroidery", "pottery", "taxidermy", "philately", "numismatics",
            "東京", "大阪", "北京", "서울", "ありがとう", "zephyr", "quixotic", "mnemonic", "onomatopoeia",
            "serendipity", "ephemeral", "labyrinth", "kaleidoscope", "juxtaposition", "wanderlust");

    private static final double[] CUMULATIVE = new double[WORDS.size()];

    static {
        double sum = 0;
        for (int r = 0; r < WORDS.size(); r++) {
            sum += 1.0 / (r + 1);
            CUMULATIVE[r] = sum;
        }
        for (int r = 0; r < WORDS.size(); r++) {
            CUMULATIVE[r] /= sum;
        }
    }

    private ChatText() {
    }

    /** A word drawn by its frequency. */
    static String word(SplittableRandom random) {
        double x = random.nextDouble();
        int lo = 0, hi = CUMULATIVE.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (CUMULATIVE[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return WORDS.get(lo);
    }

    /** A message of 3 to 14 words. */
    static String message(SplittableRandom random) {
        int n = 3 + random.nextInt(12);
        StringBuilder b = new StringBuilder(n * 7);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(word(random));
        }
        return b.toString();
    }

    /** A word of rank {@code from} (inclusive) to {@code to} (exclusive). */
    static String ranked(SplittableRandom random, int from, int to) {
        return WORDS.get(from + random.nextInt(Math.min(to, WORDS.size()) - from));
    }
}
