#!/bin/sh
# Makes a variant of an install tree to measure a JVM lever with:
#   variant.sh TREE OUT [--jdk] [--] [JVM FLAG...]
# OUT is a copy of TREE whose bin/kinesin also passes the flags (after its own, so they win),
# with both AOT caches trained again for them (a cache holds the flags it was made with).
# --jdk: drop runtime/, so bin/kinesin runs the JDK the build used (as before runtime/ existed).
set -eu
tree=$1 out=$2
shift 2
jdk=
if [ "${1:-}" = --jdk ]; then jdk=1; shift; fi
[ "${1:-}" = -- ] && shift
flags=$*
src=$(CDPATH= cd -P -- "$(dirname "$0")/../.." && pwd)   # distribution/

rm -rf "$out"
cp -a "$tree" "$out"
[ -n "$jdk" ] && rm -rf "$out/runtime"
rm -f "$out"/lib/*.aot
if [ -n "$flags" ]; then
    sed -i "s|    --enable-native-access=ALL-UNNAMED \\\\|    --enable-native-access=ALL-UNNAMED $flags \\\\|" "$out/bin/kinesin"
    grep -q -- "ALL-UNNAMED $flags" "$out/bin/kinesin"
fi
# the pom's two training runs (aot-cli, aot-run)
ready=$(mktemp -d)
KINESIN_JAVA_HOME= KINESIN_JAVA_OPTS="-XX:AOTCacheOutput=$out/lib/kinesin-cli.aot -Xlog:aot=error" \
    "$out/bin/kinesin" --log-level debug \
    --- /bin/sh -c "trap 'exit 0' TERM; trap '' HUP; : > $ready/r.\$PPID; sleep 5 & wait" \
    --- /bin/sh -c "trap '' HUP; while [ ! -e $ready/r.\$PPID ]; do sleep 0.05; done; kill -HUP \$PPID; sleep 0.3; kill -TERM \$PPID; exec sleep 5" \
    > "$out/aot-cli-training.log" 2>&1
KINESIN_JAVA_HOME= KINESIN_JAVA_OPTS="-XX:AOTCacheOutput=$out/lib/kinesin-run.aot -Xlog:aot=error" \
    KINESIN_AOT_SINK="$ready/sink.log" \
    "$out/bin/kinesin" run "$src/src/build/aot/training.yaml" > "$out/aot-run-training.log" 2>&1 || true
rm -rf "$ready"
ls "$out/lib/kinesin-cli.aot" "$out/lib/kinesin-run.aot" > /dev/null
