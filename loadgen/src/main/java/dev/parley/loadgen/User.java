package dev.parley.loadgen;

/** An account the generator created, with the one device it logged in. */
record User(int index, String username, long userId, long deviceId, String token) {
}
