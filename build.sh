#!/usr/bin/env bash
# One entry point for building, testing, running and benchmarking EtcdNet.
#   ./build.sh            publish the etcdnet executable into bin/ (what the Procfile runs)
#   ./build.sh build      build the solution
#   ./build.sh test       install test dependencies, build, run every test CI runs
#   ./build.sh run [args] build and start one member on 127.0.0.1:2379 (extra args go to etcdnet)
#   ./build.sh bench      etcdnet against a real etcd 3.4, started the same way, figures side by side
#   ./build.sh soak [N]   N randomized raft simulations (default 2000)
#   ./build.sh clean      remove build outputs
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIG=${CONFIG:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the tests and the benchmark need: a real etcdctl, a real etcd to compare against,
# and promtool (from prometheus) to check the metrics exposition and deploy/'s rules.
need_packages() {
  local missing=()
  command -v etcdctl >/dev/null 2>&1 || missing+=(etcd-client)
  command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)   # the corruption tests edit a stopped member's backend
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "build.sh: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

build() {
  dotnet build EtcdNet.sln -c "$CONFIG" -nologo -clp:NoSummary -v:minimal "$@"
}

publish() {
  dotnet publish src/EtcdNet/EtcdNet.csproj -c "$CONFIG" -nologo -v:minimal -o "$ROOT/bin"
  dotnet publish src/EtcdNet.Proxy/EtcdNet.Proxy.csproj -c "$CONFIG" -nologo -v:minimal -o "$ROOT/bin"
}

# Runs each test project and ends with one summary line: "N passed, N failed".
run_tests() {
  local log passed=0 failed=0 skipped=0 rc=0
  log=$(mktemp)
  for proj in tests/*.Tests/*.csproj; do
    echo "== $(basename "$proj" .csproj)"
    if ! dotnet test "$proj" -c "$CONFIG" --no-build -nologo -v:minimal \
        --filter "Category!=Soak&Category!=Benchmark" --blame-hang-timeout 10m "$@" 2>&1 | tee "$log"; then rc=1; fi
    local line
    line=$(grep -E '(Passed|Failed)!? +- +Failed: ' "$log" | tail -n 1 || true)
    if [ -n "$line" ]; then
      failed=$((failed + $(sed -E 's/.*Failed: *([0-9]+).*/\1/' <<<"$line")))
      passed=$((passed + $(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line")))
      skipped=$((skipped + $(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$line")))
    elif grep -q 'error' "$log"; then
      rc=1
    fi
  done
  rm -f "$log"
  echo "test: $passed passed, $failed failed, $skipped skipped"
  return $rc
}

cmd=${1:-publish}
[ $# -gt 0 ] && shift
case "$cmd" in
  publish) publish ;;
  build) build "$@" ;;
  test)
    need_packages
    build
    run_tests "$@"
    ;;
  run)
    publish
    exec "$ROOT/bin/etcdnet" --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 "$@"
    ;;
  bench)
    need_packages
    build
    dotnet test tests/EtcdNet.Raft.Tests -c "$CONFIG" --no-build -nologo --filter "Category=Benchmark" \
      --logger "console;verbosity=detailed" | grep -E '^\s*(raft|Passed|Failed)' || true
    dotnet "artifacts/bin/EtcdNet.Benchmark/${CONFIG,,}/etcdnet-benchmark.dll" compare "$@"
    ;;
  soak)
    build
    RAFT_SOAK_SEEDS=${1:-2000} dotnet test tests/EtcdNet.Raft.Tests -c "$CONFIG" --no-build -nologo \
      --filter "Category=Soak" --logger "console;verbosity=normal"
    ;;
  robustness)
    # A 3-member cluster under traffic and faults, checked for linearizability; the failpoint-* scenarios run a
    # second etcdnet built with -p:Failpoints=true into artifacts-failpoints/. Ends with one summary line.
    need_packages
    build
    dotnet build src/EtcdNet/EtcdNet.csproj -c "$CONFIG" -nologo -clp:NoSummary -v:minimal \
      -p:Failpoints=true -p:ArtifactsPath="$ROOT/artifacts-failpoints"
    dotnet "artifacts/bin/EtcdNet.Robustness/${CONFIG,,}/etcdnet-robustness.dll" "$@"
    ;;
  clean) rm -rf artifacts artifacts-failpoints bin ;;
  *) echo "usage: ./build.sh [publish|build|test|run|bench|soak N|robustness [scenarios] [seed]|clean]" >&2; exit 2 ;;
esac
