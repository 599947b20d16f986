package dev.parley.web;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the web client's files against the rules its content security policy and its safety
 * depend on, without a browser: no inline scripts, styles or event handlers in HTML (the CSP would
 * block them, so they would silently not work), no HTML-parsing DOM APIs in the scripts (every
 * user string goes in as text), and no module import that points at a missing file. The
 * JavaScript SDK the client runs on ({@code clients/js/src/index.js}, copied by the build to
 * {@code static/sdk/index.js}) is held to the same rules.
 */
class StaticFilesTest {
    private static final Path STATIC = Path.of("src/main/resources/dev/parley/web/static");
    /** The SDK's one source, and where the page imports it from (the build's copy). */
    private static final Path SDK = Path.of("../clients/js/src/index.js");
    private static final Path SDK_SERVED = STATIC.resolve("sdk/index.js");
    private static final Path SDK_BUILT = Path.of("target/classes/dev/parley/web/static/sdk/index.js");

    private static final Pattern SCRIPT_TAG = Pattern.compile("<script\\b([^>]*)>(.*?)</script>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INLINE_HANDLER = Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
    private static final Pattern STYLE_ATTRIBUTE = Pattern.compile("\\sstyle\\s*=", Pattern.CASE_INSENSITIVE);
    private static final Pattern STYLE_ELEMENT = Pattern.compile("<style\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern JS_URL = Pattern.compile("javascript:", Pattern.CASE_INSENSITIVE);

    /** DOM APIs that parse strings as HTML or code; the client must never need them. */
    private static final Pattern UNSAFE_JS = Pattern.compile(
            "\\.innerHTML|\\.outerHTML|insertAdjacentHTML|document\\.write|\\beval\\s*\\(|new\\s+Function\\s*\\("
                    + "|createContextualFragment|setAttribute\\(\\s*['\"](?:style|on[a-z]+)['\"]|DOMParser");
    private static final Pattern IMPORT = Pattern.compile("(?:from|import)\\s*\\(?\\s*'(\\.{1,2}/[^']+)'");

    @Test
    void theClientIsThere() {
        for (String name : List.of("index.html", "app.js", "store.js", "sync.js", "style.css", "icon.svg")) {
            assertThat(STATIC.resolve(name)).as(name).isRegularFile();
        }
    }

    @Test
    void theBuildServesTheSdkAsItIs() throws IOException {
        assertThat(SDK_BUILT).as("the SDK copied into the jar").isRegularFile();
        assertThat(Files.readString(SDK_BUILT, StandardCharsets.UTF_8)).isEqualTo(Files.readString(SDK, StandardCharsets.UTF_8));
        assertThat(Files.exists(SDK_SERVED)).as("no second copy in the sources").isFalse();
    }

    @Test
    void htmlHasNoInlineScriptsStylesOrHandlers() throws IOException {
        for (Path file : files(".html")) {
            String html = Files.readString(file, StandardCharsets.UTF_8);
            Matcher m = SCRIPT_TAG.matcher(html);
            while (m.find()) {
                assertThat(m.group(1)).as("%s: every <script> has a src", file).contains("src=");
                assertThat(m.group(2).strip()).as("%s: <script> bodies are empty", file).isEmpty();
            }
            assertThat(INLINE_HANDLER.matcher(html).find()).as("%s: inline event handler", file).isFalse();
            assertThat(STYLE_ATTRIBUTE.matcher(html).find()).as("%s: style= attribute", file).isFalse();
            assertThat(STYLE_ELEMENT.matcher(html).find()).as("%s: <style> element", file).isFalse();
            assertThat(JS_URL.matcher(html).find()).as("%s: javascript: URL", file).isFalse();
        }
    }

    @Test
    void scriptsNeverParseStringsAsHtmlOrCode() throws IOException {
        List<String> hits = new ArrayList<>();
        for (Path file : files(".js")) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String code = lines.get(i).replaceFirst("//.*$", "");
                if (UNSAFE_JS.matcher(code).find()) {
                    hits.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertThat(hits).as("HTML-parsing or code-evaluating APIs").isEmpty();
    }

    @Test
    void everyRelativeImportResolves() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path file : files(".js")) {
            Matcher m = IMPORT.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                Path target = file.getParent().resolve(m.group(1)).normalize();
                if (target.equals(SDK_SERVED.normalize())) {
                    target = SDK;
                }
                if (!Files.isRegularFile(target)) {
                    missing.add(STATIC.relativize(file) + " imports " + m.group(1));
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    private static List<Path> files(String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(STATIC)) {
            List<Path> found = new ArrayList<>(walk.filter(p -> p.toString().endsWith(suffix)).sorted().toList());
            if (SDK.toString().endsWith(suffix)) {
                found.add(SDK);
            }
            assertThat(found).as("files ending in " + suffix).isNotEmpty();
            return found;
        }
    }
}
