#!/usr/bin/env bash
# Builds spdypeer (an independent SPDY/3.1 client on github.com/moby/spdystream,
# alias github.com/docker/spdystream) in GOPATH mode from Debian's packaged
# sources. No module proxy or network is used.
#
# Usage: build.sh [OUTPUT]      (default: <this folder>/bin/spdypeer)
# Needs: apt-get install -y --no-install-recommends golang-go golang-github-docker-spdystream-dev
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/bin/spdypeer}"
gocode="${SPDYPEER_GOPATH:-/usr/share/gocode}"
pkg="$gocode/src/github.com/moby/spdystream"

if ! command -v go >/dev/null 2>&1; then
    echo "build.sh: 'go' not found. Install it with:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends golang-go golang-github-docker-spdystream-dev" >&2
    exit 3
fi
if [ ! -f "$pkg/connection.go" ] || [ ! -f "$pkg/spdy/read.go" ]; then
    echo "build.sh: spdystream sources not found under $pkg. Install them with:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends golang-github-docker-spdystream-dev" >&2
    exit 3
fi

mkdir -p "$(dirname "$out")"
case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac

# GOPATH mode: imports come from $gocode/src; the main package may live anywhere.
# A private build cache keeps this working without a writable $HOME.
export GO111MODULE=off
export GOPATH="$gocode"
export GOFLAGS=
export GOPROXY=off
export CGO_ENABLED=0
export GOCACHE="${GOCACHE:-${TMPDIR:-/tmp}/spdypeer-gocache}"

cd "$here"
go build -trimpath -o "$out" .
echo "build.sh: built $out ($(go version | awk '{print $3}'), spdystream from $pkg)"
