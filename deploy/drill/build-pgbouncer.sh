#!/usr/bin/env bash
# Build PgBouncer >= 1.21 from Debian 13's source package when this machine's Debian ships an older one.
#
#   deploy/drill/build-pgbouncer.sh      prints the path of a pgbouncer binary >= 1.21 (built once, then cached)
#
# Why: rating intake on PostgreSQL is a prepared statement (decisions 0009, 0016), which PgBouncer carries in
# transaction pooling only from 1.21 on (max_prepared_statements); Debian 12 ships 1.18. The source comes through
# apt (Debian's own archive, a private source list: the machine's apt configuration is not changed), the build
# needs build-essential, pkg-config, libevent-dev and libssl-dev (installed with apt when missing, as root).
# The binary goes to ${XDG_CACHE_HOME:-~/.cache}/pingyi/pgbouncer-VERSION/bin/pgbouncer, where the drill looks.
set -euo pipefail

MIN_MINOR=21
cache=${XDG_CACHE_HOME:-$HOME/.cache}/pingyi

good() {  # good BINARY: a PgBouncer 1.21 or newer
    local version
    version=$("$1" --version 2>/dev/null | sed -nE 's/^PgBouncer ([0-9]+)\.([0-9]+).*/\1 \2/p')
    [ -n "$version" ] || return 1
    set -- $version
    [ "$1" -gt 1 ] || { [ "$1" -eq 1 ] && [ "$2" -ge "$MIN_MINOR" ]; }
}

for candidate in "${PINGYI_PGBOUNCER:-}" "$(command -v pgbouncer || true)" "$cache"/pgbouncer-*/bin/pgbouncer; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && good "$candidate"; then
        printf '%s\n' "$candidate"
        exit 0
    fi
done

[ "$(id -u)" = 0 ] || { echo "build-pgbouncer: root is needed to install the build dependencies" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
missing=()
for package in build-essential pkg-config libevent-dev libssl-dev; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq </dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial"
cat >"$work/pingyi.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_private=(-o "Dir::Etc::sourcelist=$work/pingyi.sources" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$work/lists")
apt-get "${apt_private[@]}" update -qq </dev/null >&2
(cd "$work" && apt-get "${apt_private[@]}" source --download-only -qq pgbouncer </dev/null >&2)
tarball=$(ls "$work"/pgbouncer_*.orig.tar.gz | head -n 1)
version=$(basename "$tarball" | sed -E 's/^pgbouncer_([0-9.]+)\.orig\.tar\.gz$/\1/')
prefix="$cache/pgbouncer-$version"
tar -xzf "$tarball" -C "$work"
echo "build-pgbouncer: building PgBouncer $version into $prefix (about a minute)" >&2
(
    cd "$work/pgbouncer-$version"
    ./configure --prefix="$prefix" --without-cares --without-pam --without-systemd >"$work/configure.log" 2>&1 \
        || { tail -n 30 "$work/configure.log" >&2; exit 1; }
    make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -n 30 "$work/make.log" >&2; exit 1; }
    make install >"$work/install.log" 2>&1
)
good "$prefix/bin/pgbouncer" || { echo "build-pgbouncer: the build did not give a working PgBouncer >= 1.$MIN_MINOR" >&2; exit 1; }
printf '%s\n' "$prefix/bin/pgbouncer"
