#!/usr/bin/env bash
# Builds images/Containerfile into localhost/deckhand-agent:latest with buildah: a root filesystem
# of Debian's busybox-static, the system CA bundle, the static release binaries of every step, the
# helm CLI chart-deploy drives (3.17.3, from the same PyPI wheel the tests use; downloading helm at
# build time breaks air-gapped builds), and Debian's git with the libraries it links (for
# checkout-guard exec -- git ...). The user is jenkins (1000:1000), whose workdir /workspace and
# home /home/jenkins it owns.
#
# `images/build.sh plugins [STEP...]` builds the Drone/Woodpecker plugin images instead
# (images/plugin.Containerfile): localhost/deckhand-<step>:latest for each step (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = plugins ]; then
  shift
  command -v buildah >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah ca-certificates >/dev/null; }
  RUSTFLAGS='-C target-feature=+crt-static' cargo build -q --release --target x86_64-unknown-linux-gnu --workspace --bins --exclude xtask
  bins=target/x86_64-unknown-linux-gnu/release
  steps=("$@")
  [ ${#steps[@]} -gt 0 ] || mapfile -t steps < <(for d in steps/*/src/main.rs; do basename "$(dirname "$(dirname "$d")")"; done)
  for step in "${steps[@]}"; do
    ctx=$(mktemp -d)
    root=$ctx/rootfs
    mkdir -p "$root/bin" "$root/etc/ssl/certs" "$root/tmp"
    chmod 1777 "$root/tmp"
    cp "$bins/$step" "$root/bin/$step"
    cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
    printf 'root:x:0:0::/tmp:/sbin/nologin\n' > "$root/etc/passwd"
    if [ "$step" = chart-deploy ]; then
      [ -x target/peers/bin/helm-3.17.3 ] || tests/install-peers.sh >/dev/null
      cp target/peers/bin/helm-3.17.3 "$root/bin/helm"
    fi
    sed "s/@STEP@/$step/" images/plugin.Containerfile > "$ctx/Containerfile"
    buildah --storage-driver vfs bud --isolation chroot -q -t "localhost/deckhand-$step:latest" "$ctx" >/dev/null
    rm -rf "$ctx"
    echo "built localhost/deckhand-$step:latest"
  done
  exit 0
fi
command -v buildah >/dev/null && [ -x /bin/busybox ] && [ -x /usr/bin/git ] || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah busybox-static ca-certificates git >/dev/null; }
RUSTFLAGS='-C target-feature=+crt-static' cargo build -q --release --target x86_64-unknown-linux-gnu --workspace --bins --exclude xtask
ctx=$(mktemp -d); trap 'rm -rf "$ctx"' EXIT
root=$ctx/rootfs
mkdir -p "$root/bin" "$root/usr/local/bin" "$root/etc/ssl/certs" "$root/tmp" "$ctx/workspace" "$ctx/home"
cp /bin/busybox "$root/bin/busybox"
for tool in sh cat ls cp mv rm mkdir tar gzip env sleep echo grep sed id; do ln -s busybox "$root/bin/$tool"; done
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
# A dynamically linked program with every library ldd names, at the same paths.
with_libs() {
  mkdir -p "$root$(dirname "$1")" && cp -L "$1" "$root$1"
  for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
    [ -e "$root$lib" ] || { mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"; }
  done
}
with_libs /usr/bin/git
# git's builtins are in the binary; https remotes need the remote helper.
for helper in git-remote-http git-remote-https; do with_libs "/usr/lib/git-core/$helper"; done
printf 'root:x:0:0::/root:/bin/sh\njenkins:x:1000:1000::/home/jenkins:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\njenkins:x:1000:\n' > "$root/etc/group"
chmod 1777 "$root/tmp"
find target/x86_64-unknown-linux-gnu/release -maxdepth 1 -type f -perm -u+x ! -name '*.d' \
  -exec cp {} "$root/usr/local/bin/" \;
[ -x target/peers/bin/helm-3.17.3 ] || tests/install-peers.sh >/dev/null
cp target/peers/bin/helm-3.17.3 "$root/usr/local/bin/helm"
cp images/Containerfile "$ctx/"
buildah --storage-driver vfs bud --isolation chroot -q -t localhost/deckhand-agent:latest "$ctx"
echo "built localhost/deckhand-agent:latest with: $(ls "$root/usr/local/bin" | tr '\n' ' ')"
