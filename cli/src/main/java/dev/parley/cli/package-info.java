/**
 * The terminal client of Parley, on the SDK: {@code register}, {@code login} and {@code logout}
 * (the login is kept in {@code ~/.parley/session.json}, readable by its owner only), one-shot
 * commands whose tab-separated output scripts can parse ({@code conversations}, {@code send},
 * {@code history}, {@code group create}), and the interactive {@code chat}.
 *
 * <p>The interactive client is a screen model ({@link dev.parley.cli.ChatScreen}) driven by SDK
 * events and input lines, and a thin terminal front end over it ({@link dev.parley.cli.TerminalChat}),
 * so tests drive the same code without a terminal.
 */
package dev.parley.cli;
