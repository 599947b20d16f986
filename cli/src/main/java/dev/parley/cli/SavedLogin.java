package dev.parley.cli;

import dev.parley.sdk.Session;

import java.net.URI;

/** A login kept between commands: which node, and the device's session there. */
public record SavedLogin(URI server, Session session) {
}
