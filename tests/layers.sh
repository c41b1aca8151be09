#!/bin/sh
# lint.layers — proves that the server's layers link only downward.
#   tests/layers.sh LIB_1 LIB_2 ... LIB_n   (static libraries, lowest layer first)
# Fails when an object in LIB_i needs (has undefined) a symbol that one of
# LIB_i+1 .. LIB_n defines: that would be an upward call. Prints each offender.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for lib in "$@"; do
    n=$((n + 1))
    nm -g --defined-only "$lib" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/def.$n"
    nm -A -u "$lib" 2>/dev/null | awk '{ print $NF " " $1 }' | sort -u >"$tmp/undef.$n"
done
fail=0
i=1
while [ "$i" -le "$n" ]; do
    : >"$tmp/above"
    j=$((i + 1))
    while [ "$j" -le "$n" ]; do
        cat "$tmp/def.$j" >>"$tmp/above"
        j=$((j + 1))
    done
    sort -u "$tmp/above" -o "$tmp/above"
    # undefined symbols of layer i that a higher layer defines
    awk 'NR == FNR { up[$1] = 1; next } ($1 in up) { print }' "$tmp/above" "$tmp/undef.$i" >"$tmp/bad"
    if [ -s "$tmp/bad" ]; then
        eval "lib=\${$i}"
        echo "layers: $(basename "$lib") calls upward:" >&2
        sed 's/^/  /' "$tmp/bad" >&2
        fail=1
    fi
    i=$((i + 1))
done
if [ "$fail" = 0 ]; then
    echo "layers: $n libraries, no upward call"
fi
exit "$fail"
