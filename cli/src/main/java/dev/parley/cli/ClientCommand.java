package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every client subcommand shares: which node, where the login is kept, the saved login, and
 * one way of reporting failures. Exit codes: 0 done, 1 the node refused or could not be reached,
 * 2 bad usage (picocli's), 3 not logged in.
 *
 * <p>The node is, in this order: {@code --server}, else {@code $PARLEY_SERVER}, else the node the
 * saved login was made on, else {@value #DEFAULT_SERVER}. One rule for every command, so a
 * variable set once in a shell (a node on another port, say) is never silently ignored.
 */
abstract class ClientCommand implements Callable<Integer> {
    static final int REFUSED = 1;
    static final int NOT_LOGGED_IN = 3;
    static final long WAIT_SECONDS = 30;
    static final String DEFAULT_SERVER = "http://127.0.0.1:8080";
    static final String SERVER_VARIABLE = "PARLEY_SERVER";

    @Spec
    CommandSpec spec;

    // $HOME as the shell has it (Java's user.home comes from the password database instead), so
    // ~/.parley here is the ~/.parley of the shell's PARLEY_HOME=~/.parley-bob.
    @Option(names = "--home", paramLabel = "DIR",
            defaultValue = "${env:PARLEY_HOME:-${env:HOME:-${sys:user.home}}${sys:file.separator}.parley}",
            description = "The directory holding the login (default: $PARLEY_HOME, else ~/.parley).")
    Path home;

    @Option(names = "--server", paramLabel = "URL",
            description = "The node (default: $PARLEY_SERVER, else the node you logged in to, else "
                    + DEFAULT_SERVER + ").")
    URI server;

    /** The environment the node is looked up in; tests give their own. */
    Map<String, String> environment = System.getenv();

    /** The command's work; exceptions below are reported by {@link #call()}. */
    abstract int run() throws Exception;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (ParameterException e) {
            throw e; // picocli reports bad usage itself (exit code 2)
        } catch (ParleyException e) {
            err().println("error: " + e.getMessage());
            return REFUSED;
        } catch (NotLoggedIn e) {
            err().println("error: not logged in; run 'parley register USERNAME' or 'parley login USERNAME' first");
            return NOT_LOGGED_IN;
        } catch (TimeoutException e) {
            err().println("error: unavailable: no answer from " + node(Optional.empty()) + " within " + WAIT_SECONDS
                    + " seconds");
            return REFUSED;
        } catch (Exception e) {
            err().println("error: " + e.getMessage());
            return REFUSED;
        } finally {
            out().flush();
            err().flush();
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    LoginFile loginFile() {
        return new LoginFile(home);
    }

    /** The saved login, on the node this command talks to. */
    SavedLogin login() {
        SavedLogin saved = loginFile().read().orElseThrow(NotLoggedIn::new);
        return new SavedLogin(node(Optional.of(saved)), saved.session());
    }

    /** The node to talk to: the option, the variable, the saved login's node, the default, in that order. */
    URI node(Optional<SavedLogin> saved) {
        if (server != null) {
            return checked(server, "--server");
        }
        String variable = environment.get(SERVER_VARIABLE);
        if (variable != null && !variable.isBlank()) {
            try {
                return checked(URI.create(variable.strip()), SERVER_VARIABLE);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), SERVER_VARIABLE + " is not a URL: " + variable);
            }
        }
        return saved.map(SavedLogin::server).orElse(URI.create(DEFAULT_SERVER));
    }

    /** The saved login if there is a readable one; for commands that replace it. */
    Optional<SavedLogin> savedIfAny() {
        try {
            return loginFile().read();
        } catch (IllegalStateException unreadable) {
            return Optional.empty();
        }
    }

    private URI checked(URI node, String from) {
        String scheme = node.getScheme();
        if (node.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new ParameterException(spec.commandLine(), from + " must be an http:// or https:// URL with a host,"
                    + " like " + DEFAULT_SERVER + " (got " + node + ")");
        }
        return node;
    }

    static ParleyClient client(SavedLogin login) {
        return ParleyClient.builder(login.server(), login.session()).build();
    }

    /** Waits for a real-time answer, unwrapping the node's refusal. */
    static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** No saved login. */
    static final class NotLoggedIn extends RuntimeException {
        NotLoggedIn() {
            super(null, null, false, false);
        }
    }
}
