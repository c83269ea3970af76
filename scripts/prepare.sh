#!/usr/bin/env bash
# Installs what vnetops needs on this machine and says what it does. Safe to run again: it only
# acts on what is missing.
#   scripts/prepare.sh demo   Debian packages for a sandbox libvirt host, npm ci, npm run build
#   scripts/prepare.sh test   the same packages plus the tests' own (openssl, busybox, chromium,
#                             openssh, netcat),
#                             npm ci, and Redis on 127.0.0.1:6379 if none answers there
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-}"
case "$purpose" in demo|test) ;; *) echo "usage: scripts/prepare.sh demo|test" >&2; exit 2 ;; esac

say() { printf '[prepare] %s\n' "$*"; }

# --- Debian packages: command → package ---------------------------------------------------------
need=()
want() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || need+=("$2"); }
if [ "$purpose" = test ] || [ -z "${VNETOPS_LIBVIRT_URI:-}" ]; then
  # A sandbox host: its own libvirtd, dnsmasq and firewall rules inside a network namespace.
  want libvirtd libvirt-daemon-system
  want virsh libvirt-clients
  want dnsmasq dnsmasq-base
  want iptables iptables
  getent passwd libvirt-qemu >/dev/null || need+=(libvirt-daemon-system)
fi
want ip iproute2
want bridge iproute2
want redis-server redis-server
if [ "$purpose" = test ]; then
  want openssl openssl     # certificates for the TLS transport test
  want busybox busybox     # udhcpc: DHCP leases for veth guests
  want chromium chromium   # the console's browser test
  want ssh openssh-client  # the qemu+ssh transport test: the real ssh client…
  want sshd openssh-server #   …a real sshd of the test's own on 127.0.0.1…
  # …and nc -U on its far side (libvirt's netcat proxy): the OpenBSD nc, other ones lack -U
  grep -q 'OpenBSD netcat' < <(nc -h 2>&1 || true) || need+=(netcat-openbsd)
  fc-list 2>/dev/null | grep -qi 'Noto Color Emoji' || need+=(fonts-noto-color-emoji)  # emoji in its screenshots
fi
if [ ${#need[@]} -gt 0 ]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: ${need[*]}" >&2
    echo "install them as root: apt-get update && apt-get install -y --no-install-recommends ${need[*]}" >&2
    exit 1
  fi
  say "installing Debian packages: ${need[*]} (apt-get; takes a minute or two)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Packages with a service (openssh-server, redis-server, libvirt-daemon-system) must not start it
  # now: the tests run their own. policy-rc.d saying 101 is Debian's way to forbid it; one that is
  # already there (even a dangling link) is left alone. The packages still enable their services
  # for a machine's next boot under an init system; these machines have none.
  if [ ! -e /usr/sbin/policy-rc.d ] && [ ! -L /usr/sbin/policy-rc.d ]; then
    (set -C; printf '#!/bin/sh\n# vnetops prepare.sh: no service starts during its apt-get install\nexit 101\n' > /usr/sbin/policy-rc.d)
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    chmod +x /usr/sbin/policy-rc.d
  fi
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- Node packages --------------------------------------------------------------------------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing Node packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- build (the demo runs the compiled bot and worker, as deployments do) -------------------------
if [ "$purpose" = demo ]; then
  newest_source=$(find src workers package-lock.json tsconfig.json tsconfig.build.json -newer dist/.build-stamp 2>/dev/null | head -1 || true)
  if [ ! -f dist/.build-stamp ] || [ -n "$newest_source" ]; then
    say "building (npm run build)"
    npm run --silent build
    touch dist/.build-stamp
  fi
fi

# --- Redis on 127.0.0.1:6379 for the tests --------------------------------------------------------
if [ "$purpose" = test ] && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  say "starting redis-server on 127.0.0.1:6379 (nothing saved to disk)"
  mkdir -p /tmp/vnetops-test-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/vnetops-test-redis --logfile /tmp/vnetops-test-redis/redis.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
