package dev.parley.server;

import java.net.BindException;
import java.util.Optional;

/**
 * A node that will not start, for a reason its operator can act on: the data directory is in
 * use by another node, its database is missing or damaged, the port is taken. The message is one
 * line that says what is wrong and what to do; {@code parley serve} prints it instead of a stack
 * trace.
 */
public final class StartRefused extends RuntimeException {
    public StartRefused(String message) {
        super(message, null, false, false);
    }

    public StartRefused(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /**
     * The refusal for a failure to listen on the configured address, if that is what
     * {@code failure} is: the port is taken, or the host is not an address of this machine.
     * Netty's native transport reports these as an {@code IOException} with the system's message,
     * the JDK's as a {@link BindException}.
     */
    static Optional<StartRefused> ifAddressUnusable(Throwable failure, ServerConfig config) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("Address already in use")) {
                return Optional.of(new StartRefused("port " + config.port() + " on " + config.host()
                        + " is already in use by another program; stop it, or choose another port with --port,"
                        + " server.port in the configuration file, or PARLEY_SERVER_PORT", failure));
            }
            if (m.contains("Cannot assign requested address")) {
                return Optional.of(new StartRefused(config.host() + " is not an address of this machine; choose"
                        + " another with --host, server.host in the configuration file, or PARLEY_SERVER_HOST", failure));
            }
            if (t instanceof BindException) {
                return Optional.of(new StartRefused("cannot listen on " + config.host() + ":" + config.port() + " ("
                        + m + "); choose another address with --host/--port, server.host/server.port in the"
                        + " configuration file, or PARLEY_SERVER_HOST/PARLEY_SERVER_PORT", failure));
            }
        }
        return Optional.empty();
    }
}
