#!/usr/bin/env bash
# Builds the trimmed Java runtime of the linux-x64 archive, the Debian package and the image:
#   runtime.sh JDK LIB OUT
# jdeps lists the JDK modules the jars in LIB use; jlink links exactly those (plus the few that
# are only found at run time) from JDK into OUT, without debug symbols, headers or man pages.
set -euo pipefail
jdk="$1"
lib="$2"
out="$3"
modules=$("$jdk/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 21 "$lib"/*.jar)
# Loaded by name, so jdeps cannot see them: TLS's elliptic curves and ciphers (a separate module
# before Java 22), DNS for JNDI, every charset, zip file systems, and jcmd/jfr to diagnose a running node.
extra="jdk.naming.dns,jdk.charsets,jdk.jcmd,jdk.zipfs"
if "$jdk/bin/java" --list-modules | grep -q '^jdk.crypto.ec@'; then
  extra="$extra,jdk.crypto.ec"
fi
rm -rf "$out"
"$jdk/bin/jlink" --add-modules "$modules,$extra" --output "$out" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 --generate-cds-archive
echo "runtime: $modules,$extra -> $out ($(du -sh "$out" | cut -f1))"
