#!/usr/bin/env bash
# Builds the project's Dockerfile with Debian's podman and checks the image:
# `wushe version`, then `wushe serve` in the embedded default with
# `wushe healthcheck` run inside the container, which must print ok.
#
# The machines here reach no container registry, so the Dockerfile's two base
# images are replaced by local stand-ins made from this machine's files and
# tagged with the upstream names; the Dockerfile itself is built as it is
# (docs/production.md). Everything podman stores goes into a temporary
# directory that is removed at the end: no image, container or daemon is left.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

go_image=docker.io/library/golang:1.26-bookworm   # the Dockerfile's FROM lines
run_image=gcr.io/distroless/static-debian12:nonroot
tag=localhost/wushe:image-check

step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }

step "tools"
[ "$(id -u)" = 0 ] || { echo "run as root: the build and the container use rootful podman"; exit 1; }
# podman, runc (see below), a static busybox for the builder stand-in's
# /bin/sh, and the Debian packages the runtime stand-in takes files from.
missing=()
for p in podman runc busybox-static ca-certificates tzdata netbase; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian's ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
podman --version
runc --version | head -1
go version

work=$(mktemp -d)
# runc, not Debian's default crun: crun 1.8 refuses this machine's cgroup
# layout ("cgroups in hybrid mode not supported, drop all controllers from
# cgroupv2"). A storage of our own, removed at the end.
P=(podman --root "$work/storage" --runroot "$work/run" --runtime runc --cgroup-manager cgroupfs)
# The container's limits must stay under this process's hard limits: podman's
# default (1048576 open files) fails with "setrlimit RLIMIT_NOFILE: Operation
# not permitted" where CAP_SYS_RESOURCE is withheld, as in the sandbox here.
limits=(--ulimit nofile=16384:16384 --ulimit nproc=16384:16384)
ctr=
cleanup() {
  status=$?
  if [ -n "$ctr" ]; then
    if [ "$status" -ne 0 ]; then echo "-- container log"; "${P[@]}" logs "$ctr" 2>&1 | tail -30 || true; fi
  fi
  step "clean up"
  "${P[@]}" rm -a -f -t 5 >/dev/null 2>&1 || true
  "${P[@]}" rmi -a -f >/dev/null 2>&1 || true
  "${P[@]}" volume prune -f >/dev/null 2>&1 || true
  # Nothing of the storage should still be mounted; if something is, unmount it before removing.
  findmnt -rn -o TARGET | grep "^$work/" | sort -r | xargs -r umount -l || true
  rm -rf "$work"
  printf 'cleaned up (%ss)\n' "$SECONDS"
}
trap cleanup EXIT

step "modules (on the host: the build itself runs without network)"
go mod download
modcache=$(go env GOMODCACHE)
gocache=$(go env GOCACHE)
mkdir -p "$gocache"

step "stand-in $go_image: busybox sh and this machine's Go ($(go env GOROOT))"
root="$work/golang"
mkdir -p "$root"/{bin,etc/ssl/certs,usr/local,go,root,tmp}
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
# GOROOT goes in as /usr/local/go straight from where it is (copying it first would write and
# delete some 13,000 files more), without test/ (the compiler's regression suite); the
# environment is the official golang image's.
goroot=$(go env GOROOT)
tar -c -C "$root" . -C "$(dirname "$goroot")" --exclude "$(basename "$goroot")/test" \
  --transform "flags=rh;s|^$(basename "$goroot")|usr/local/go|" "$(basename "$goroot")" |
  "${P[@]}" import -q \
  --change 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV GOPATH=/go' --change 'ENV GOTOOLCHAIN=local' \
  --change "ENV GOLANG_VERSION=$(go env GOVERSION | sed 's/^go//')" \
  --change 'WORKDIR /go' - "$go_image" >/dev/null

step "stand-in $run_image: what distroless static holds, from Debian's packages"
root="$work/static"
mkdir -p "$root"/{etc/ssl/certs,usr/share,usr/lib,tmp,root,home/nonroot}
chmod 1777 "$root/tmp"
chmod 700 "$root/root" "$root/home/nonroot"
chown 65532:65532 "$root/home/nonroot"
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
EOF
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"         # ca-certificates
cp -a /usr/share/zoneinfo "$root/usr/share/"                         # tzdata
cp /usr/lib/os-release "$root/usr/lib/" && ln -s ../usr/lib/os-release "$root/etc/os-release" # base-files
cp /etc/services /etc/protocols "$root/etc/"                         # netbase
tar -C "$root" -c . | "${P[@]}" import -q \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
  --change 'USER 65532' --change 'WORKDIR /home/nonroot' - "$run_image" >/dev/null
"${P[@]}" images

step "podman build (the Dockerfile as it is; no pulls, no network; the host's Go caches mounted)"
# --format docker: the image format Docker builds (OCI would drop HEALTHCHECK NONE with a warning).
"${P[@]}" build --format docker --pull=never --network=none "${limits[@]}" \
  -v "$modcache:/go/pkg/mod" -v "$gocache:/root/.cache/go-build" \
  --build-arg VERSION=image-check -t "$tag" .
"${P[@]}" images "$tag"

step "the data directory belongs to nonroot in the image"
# Docker creates the anonymous volume for VOLUME /var/lib/wushe from the
# image's directory, owner included; a directory missing from the image
# becomes a root-owned volume the nonroot user cannot write. (Podman chowns
# new volumes to the container's user, so running the image here would not
# show it: the image itself is looked at.)
mnt=$("${P[@]}" image mount "$tag")
owner=$(stat -c '%u:%g' "$mnt/var/lib/wushe" 2>&1 || true)
"${P[@]}" image unmount "$tag" >/dev/null
echo "/var/lib/wushe: $owner"
[ "$owner" = 65532:65532 ] || { echo "expected 65532:65532 (nonroot)"; exit 1; }

step "wushe version"
out=$("${P[@]}" run --rm --network=none --no-healthcheck "${limits[@]}" "$tag" version)
echo "$out"
[ "$out" = "wushe image-check" ] || { echo "unexpected version output"; exit 1; }

step "wushe serve (embedded default) with docker-compose.yml's api health check"
# The api service's test, as docker-compose.yml has it; run on demand by
# `podman healthcheck run` (no interval: podman would want systemd timers).
health='["/usr/local/bin/wushe", "healthcheck", "--url", "http://127.0.0.1:8080/readyz"]'
grep -qF "test: [\"CMD\", ${health#[}" docker-compose.yml || { echo "docker-compose.yml's api health check changed: update $0"; exit 1; }
ctr=$("${P[@]}" run -d --network=none "${limits[@]}" --health-cmd "$health" --health-interval disable "$tag")
healthy=
for _ in $(seq 1 60); do
  if [ "$("${P[@]}" inspect -f '{{.State.Running}}' "$ctr")" != true ]; then
    echo "the container stopped"; exit 1
  fi
  if "${P[@]}" healthcheck run "$ctr" >/dev/null 2>&1; then healthy=1; break; fi
  sleep 0.5
done
[ -n "$healthy" ] || { echo "the container never became healthy"; exit 1; }
echo "podman healthcheck run: $("${P[@]}" inspect -f '{{.State.Health.Status}}' "$ctr")"

step "wushe healthcheck inside the container"
out=$("${P[@]}" exec "$ctr" /usr/local/bin/wushe healthcheck --url http://127.0.0.1:8080/readyz)
echo "$out"
[ "$out" = ok ] || { echo "expected ok"; exit 1; }
"${P[@]}" exec "$ctr" /usr/local/bin/wushe healthcheck --url http://127.0.0.1:8080/healthz

step "stop (SIGTERM: graceful shutdown)"
"${P[@]}" stop -t 20 "$ctr" >/dev/null
"${P[@]}" logs "$ctr" 2>&1 | tail -2
code=$("${P[@]}" inspect -f '{{.State.ExitCode}}' "$ctr")
[ "$code" = 0 ] || { echo "serve exited with $code"; exit 1; }

step "done"
