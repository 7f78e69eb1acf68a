#!/usr/bin/env bash
# Installs redis-server from Debian when it is missing: the embeddings cache and the router's
# shared state are tested against a real Redis (started per test run on a free port).
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  exit 0
fi
echo "redis-server is not installed and this user cannot apt-get it: run 'sudo apt-get install redis-server' (the Redis tests need it)" >&2
exit 1
