# Sourced by ./parley, ./mvnw and a release's bin/parley: finds a Java 21 or newer.
# Order: $JAVA_HOME if it is new enough, then the newest under /usr/lib/jvm, then java on PATH.
#   parley_find_jdk    a JDK (javac too), to build: sets JAVA_HOME
#   parley_find_java   a JDK or a JRE, to run: sets JAVA_HOME
#   parley_java_opts   the JVM options Parley runs with on $JAVA_HOME's version

# The feature version of the Java at $1: from its `release` file when it has one (every JDK and
# JRE build does; reading it costs nothing, where starting `java -version` for each candidate cost
# a third of a second on every ./parley command), else by asking it.
parley_java_major() {
  v=""
  if [ -r "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1)
  fi
  if [ -z "$v" ]; then
    v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  printf '%s\n' "$v"
}

# $1: the tool the home must have (javac or java).
parley_find_home() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/$1" ]; then
    v=$(parley_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then
      return 0
    fi
  fi
  best=""
  best_v=0
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/$1" ] || continue
    v=$(parley_java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then
      best="$d"
      best_v="$v"
    fi
  done
  if [ -n "$best" ]; then
    export JAVA_HOME="$best"
    return 0
  fi
  if command -v "$1" >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v "$1")")")")
    v=$(parley_java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then
      export JAVA_HOME="$d"
      return 0
    fi
  fi
  return 1
}

parley_find_jdk() {
  parley_find_home javac && return 0
  echo "parley: a JDK 21 or newer is needed; set JAVA_HOME to one." >&2
  return 1
}

parley_find_java() {
  parley_find_home java && return 0
  echo "parley: Java 21 or newer is needed (a JDK or a JRE); set JAVA_HOME to one." >&2
  return 1
}

# SQLite and Netty load native code; from Java 24 on, Netty's off-heap buffers also need
# sun.misc.Unsafe's memory access, which the JVM otherwise warns about. A JVM out of memory may
# live on unable to serve: it exits instead, so a supervisor restarts it (the node does the same
# for direct memory, which -XX:+ExitOnOutOfMemoryError does not cover).
parley_java_opts() {
  printf '%s' "--enable-native-access=ALL-UNNAMED -XX:+ExitOnOutOfMemoryError"
  if [ "$(parley_java_major "$JAVA_HOME")" -ge 24 ]; then
    printf ' %s' "--sun-misc-unsafe-memory-access=allow"
  fi
}
