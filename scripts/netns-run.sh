#!/usr/bin/env bash
# Runs a command inside a fresh, sealed network namespace.
#
#   scripts/netns-run.sh <command> [args…]
#
# WebRTC gathers host candidates on every interface, so a browser and a media server on one machine
# would otherwise exchange ICE checks and media over the machine's real interfaces. Inside the
# namespace there is only `lo` (brought up) and a veth pair v0/v1 (198.18.0.1/30, 198.18.0.2/30,
# the benchmarking range) whose only purpose is to make Chromium believe it is online. Nothing in the
# namespace can reach outside it.
#
# When `unshare -n` is not permitted (a developer machine without root), the command runs directly
# and a notice is printed on stderr. Set IVS_NETNS=off to skip the namespace deliberately.
# Inside, IVS_NETNS=1 is exported so child processes can tell.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args…]" >&2
  exit 64
fi

if [[ "${IVS_NETNS_INSIDE:-}" == "1" ]]; then
  # Second stage: we are the first process of the new namespace.
  ip link set lo up
  if ! ip link add v0 type veth peer name v1; then
    echo "netns-run: cannot create the veth pair (is the veth kernel module available?)" >&2
    exit 70
  fi
  ip addr add 198.18.0.1/30 dev v0
  ip addr add 198.18.0.2/30 dev v1
  ip link set v0 up
  ip link set v1 up
  unset IVS_NETNS_INSIDE
  export IVS_NETNS=1
  exec "$@"
fi

if [[ "${IVS_NETNS:-}" == "1" ]]; then
  # Already inside a namespace made by this script: nest nothing.
  exec "$@"
fi

if [[ "${IVS_NETNS:-}" != "off" ]] && command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 \
  && unshare -n true >/dev/null 2>&1; then
  IVS_NETNS_INSIDE=1 exec unshare -n -- "$0" "$@"
fi

if [[ "${IVS_NETNS:-}" == "off" ]]; then
  echo "netns-run: IVS_NETNS=off, running without a network namespace: $*" >&2
else
  echo "netns-run: network namespaces are not available here (unshare -n needs root); running without isolation: $*" >&2
fi
export IVS_NETNS=0
exec "$@"
