/**
 * The terminal client of Parley, on the SDK: {@code register}, {@code login} and {@code logout}
 * (the login is kept in {@code session.json} in {@code ~/.parley} or {@code $PARLEY_HOME},
 * readable by its owner only), one-shot commands whose tab-separated or JSON output scripts can
 * parse ({@code conversations}, {@code send}, {@code history}, {@code group ...}), and the
 * interactive {@code chat}. Every command finds the node the same way ({@link dev.parley.cli.ClientCommand}).
 *
 * <p>The interactive client is a screen model ({@link dev.parley.cli.ChatScreen}) driven by SDK
 * events and input lines, and a thin terminal front end over it ({@link dev.parley.cli.TerminalChat}),
 * so tests drive the same code without a terminal.
 */
package dev.parley.cli;
