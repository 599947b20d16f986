package dev.parley.cli;

import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every client subcommand shares: where the login is kept, the saved login, and one way of
 * reporting failures. Exit codes: 0 done, 1 the node refused or could not be reached, 2 bad
 * usage (picocli's), 3 not logged in.
 */
abstract class ClientCommand implements Callable<Integer> {
    static final int REFUSED = 1;
    static final int NOT_LOGGED_IN = 3;
    static final long WAIT_SECONDS = 30;

    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "DIR",
            defaultValue = "${env:PARLEY_HOME:-${sys:user.home}${sys:file.separator}.parley}",
            description = "Where the login is kept (default: $PARLEY_HOME, else ~/.parley).")
    Path home;

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
            err().println("error: not logged in; run 'parley login USERNAME' first");
            return NOT_LOGGED_IN;
        } catch (TimeoutException e) {
            err().println("error: unavailable: no answer from the node within " + WAIT_SECONDS + " seconds");
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

    SavedLogin login() {
        return loginFile().read().orElseThrow(NotLoggedIn::new);
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
