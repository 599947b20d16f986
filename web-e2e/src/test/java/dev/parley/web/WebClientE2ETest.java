package dev.parley.web;

import dev.parley.server.ServerConfig;
import dev.parley.server.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the browser tests in {@code web/e2e/} (Node.js, playwright-core, headless Chromium) against a
 * real node started here: {@code chat.e2e.mjs}, for which the node is restarted when the script
 * asks, so the test can show the client resuming by itself, and replays at most
 * {@value #MAX_CATCH_UP} missed entries per conversation, so that the script can also show the
 * client handling {@code resync}; {@code notifications.e2e.mjs} (the bell, the service worker,
 * a failed subscription shown, a subscription registered with the node, a push shown as a
 * notification); {@code people.e2e.mjs} (profiles, a message request, blocking); and the others below.
 * The web client runs on the JavaScript SDK ({@code clients/js}), so these drive the SDK too.
 *
 * <p>Without Node.js 20+, {@code web/e2e/node_modules/playwright-core} or Chromium the test is
 * skipped and says what is missing ({@code .ci/run} installs all three). Set
 * {@code PARLEY_E2E_REQUIRED=1} to make a missing piece a failure instead.
 *
 * <p>The script writes its screenshot to {@code docs/images/web-chat.png} (shown by the README);
 * {@code -Dparley.e2e.screenshot=PATH} puts it elsewhere.
 */
class WebClientE2ETest {
    private static final String RESTART_REQUEST = "@@restart-node";
    private static final int MAX_CATCH_UP = 20;

    @TempDir
    Path data;

    @Test
    void twoUsersChatInHeadlessChromium() throws Exception {
        // A small catch-up limit, so the script can make the node answer a resume with `resync`.
        Map<String, String> env = new HashMap<>(Map.of(
                "PARLEY_RESTART_HOOK", "1",
                "PARLEY_MAX_CATCH_UP", String.valueOf(MAX_CATCH_UP),
                "PARLEY_USER_SUFFIX", "")); // a fresh node: plain names read better in the screenshot
        String shot = System.getProperty("parley.e2e.screenshot");
        if (shot != null && !shot.isBlank()) {
            env.put("PARLEY_SCREENSHOT", Path.of(shot).toAbsolutePath().toString());
        }
        run("chat.e2e.mjs", c -> c.withLimits(c.limits().withMaxCatchUp(MAX_CATCH_UP)), env);
    }

    /**
     * {@code people.e2e.mjs}: profiles with pictures, a message request accepted, a block and an
     * unblock, on a node with message requests on; writes {@code docs/images/web-people.png}.
     */
    @Test
    void profilesRequestsAndBlocksInHeadlessChromium() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("PARLEY_USER_SUFFIX", ""));
        String shot = System.getProperty("parley.e2e.peopleScreenshot");
        if (shot != null && !shot.isBlank()) {
            env.put("PARLEY_PEOPLE_SCREENSHOT", Path.of(shot).toAbsolutePath().toString());
        }
        run("people.e2e.mjs", c -> c.withPeople(c.people()
                .withMessageRequests(dev.parley.core.request.RequestRule.CONTACTS_ONLY)), env);
    }

    /**
     * {@code actions.e2e.mjs}: reactions, a reply, an edit and a deletion, each done in one browser
     * and checked in the other, live and after a reload; "@" suggestions in a group; the client's
     * own emoji font; writes {@code docs/images/web-actions.png}.
     */
    @Test
    void messageActionsInHeadlessChromium() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("PARLEY_USER_SUFFIX", ""));
        String shot = System.getProperty("parley.e2e.actionsScreenshot");
        if (shot != null && !shot.isBlank()) {
            env.put("PARLEY_ACTIONS_SCREENSHOT", Path.of(shot).toAbsolutePath().toString());
        }
        run("actions.e2e.mjs", c -> c, env);
    }

    /**
     * {@code files.e2e.mjs}: a photo and a file sent from the attach button in one browser, seen,
     * opened and downloaded in the other; writes {@code docs/images/web-files.png}.
     */
    @Test
    void photosAndFilesInHeadlessChromium() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("PARLEY_USER_SUFFIX", ""));
        String shot = System.getProperty("parley.e2e.filesScreenshot");
        if (shot != null && !shot.isBlank()) {
            env.put("PARLEY_FILES_SCREENSHOT", Path.of(shot).toAbsolutePath().toString());
        }
        run("files.e2e.mjs", c -> c, env);
    }

    /**
     * {@code fallback.e2e.mjs}: a browser whose WebSockets are all refused chats by long polls (the
     * JavaScript SDK's pull fallback, which the web client runs on) with one that has a WebSocket,
     * both ways, with read ticks and a message queued while offline.
     */
    @Test
    void theWebClientLongPollsWhereWebSocketsAreBlocked() throws Exception {
        run("fallback.e2e.mjs", c -> c, Map.of());
    }

    @Test
    void notificationsAreOfferedSubscribedAndShownByTheServiceWorker() throws Exception {
        // The script's stand-in push service gives subscriptions a loopback endpoint.
        ServerConfig.Push d = ServerConfig.Push.defaults();
        ServerConfig.Push loopbackTargets = new ServerConfig.Push(d.enabled(), d.content(), d.coalesceWindow(),
                d.queueCapacity(), d.maxAttempts(), d.previewChars(), d.vapidSubject(), d.vapidKeyFile(),
                d.fcmProjectId(), d.fcmServiceAccountFile(), d.fcmBaseUrl(), d.apnsKeyFile(), d.apnsKeyId(),
                d.apnsTeamId(), d.apnsTopic(), d.apnsBaseUrl(), d.webhookSecret(), true, d.trustCertificates(),
                d.requestTimeout());
        run("notifications.e2e.mjs", c -> c.withPush(loopbackTargets), Map.of());
    }

    /** Runs {@code web/e2e/<name>} against a test node with {@code settings}. */
    private void run(String name, UnaryOperator<ServerConfig> settings, Map<String, String> extraEnv) throws Exception {
        Path root = repositoryRoot();
        Path script = root.resolve("web/e2e").resolve(name);
        Path nodeJs = require(findOnPath("node").filter(WebClientE2ETest::isNode20OrNewer),
                "Node.js 20 or newer (`node` on PATH)");
        require(Optional.of(root.resolve("web/e2e/node_modules/playwright-core")).filter(Files::isDirectory),
                "playwright-core in web/e2e/node_modules (`npm ci --prefix web/e2e`)");
        Path chromiumPath = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        Path chromium = require(Optional.of(chromiumPath).filter(Files::isExecutable),
                "Chromium at " + chromiumPath + " (`apt-get install chromium`)");

        try (TestNode node = TestNode.start(data, settings)) {
            ProcessBuilder pb = new ProcessBuilder(nodeJs.toString(), script.toString())
                    .directory(script.getParent().toFile())
                    .redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.put("PARLEY_URL", node.httpUri().toString());
            env.put("CHROMIUM", chromium.toString());
            env.put("PARLEY_ARTIFACTS", Path.of("target/e2e-artifacts").toAbsolutePath().toString());
            env.putAll(extraEnv);
            Process process = pb.start();
            // The script times out each step itself; this only guards against a hung browser, and
            // killing the process also ends the read loop below.
            CompletableFuture.delayedExecutor(5, TimeUnit.MINUTES).execute(() -> kill(process));
            StringBuilder output = new StringBuilder();
            try {
                // Same port and data: the browsers must find the node again by themselves.
                relay(process, output, node::restartOnSamePort);
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    fail("the e2e script did not exit after closing its output\n" + output);
                }
            } finally {
                kill(process);
            }
            assertThat(process.exitValue()).as("exit code of web/e2e/%s; its output:%n%s", name, output).isZero();
        }
    }

    /** Chromium runs under the script: stop it too, or it outlives the test. */
    private static void kill(Process process) {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** Prints the script's output as it comes and serves its restart requests. */
    private static void relay(Process process, StringBuilder output, ThrowingRunnable restart) throws Exception {
        OutputStream toScript = process.getOutputStream();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println("[e2e] " + line);
                output.append(line).append('\n');
                if (line.strip().equals(RESTART_REQUEST)) {
                    restart.run();
                    System.out.println("[e2e] (node restarted on the same port)");
                    toScript.write("@@restarted\n".getBytes(StandardCharsets.UTF_8));
                    toScript.flush();
                }
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** The test runs in web-e2e/; the script lives in web/e2e/ of the same checkout. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("web/e2e/chat.e2e.mjs"))) {
                return dir;
            }
        }
        throw new IllegalStateException("web/e2e/chat.e2e.mjs not found above " + Path.of("").toAbsolutePath());
    }

    private static <T> T require(Optional<T> found, String what) {
        if (found.isEmpty() && "1".equals(System.getenv("PARLEY_E2E_REQUIRED"))) {
            fail("web client e2e test: missing " + what);
        }
        if (found.isEmpty()) {
            // Surefire reports a skip only as a count; say why where people will see it.
            System.out.println("web client e2e test SKIPPED: missing " + what);
        }
        assumeTrue(found.isPresent(), () -> "web client e2e test skipped: missing " + what);
        return found.get();
    }

    private static Optional<Path> findOnPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static boolean isNode20OrNewer(Path nodeJs) {
        try {
            Process p = new ProcessBuilder(nodeJs.toString(), "--version").redirectErrorStream(true).start();
            String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            Matcher m = Pattern.compile("^v(\\d+)\\.").matcher(version);
            return m.find() && Integer.parseInt(m.group(1)) >= 20;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
