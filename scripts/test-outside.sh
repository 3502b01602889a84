#!/usr/bin/env bash
# What the outside checks of `npm test` need from the machine, installed with Debian's apt where
# it is missing and this runs as root (CI's clean machine does): Chromium for the browser tests,
# slurm-wlm and munge for the Slurm round trip, a C++ compiler and make for the native TensorFlow
# build, and package lists from which the conformance test downloads python3-jupyter-kernel-test.
# Never a browser or a binary from the web. Elsewhere it says what is missing; the checks then skip
# (or fail under SADDLELAB_STRICT=1), each naming why. A fast no-op when everything is there.
set -uo pipefail
say() { printf '[saddlelab test] %s\n' "$*" >&2; }

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
{ [ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && command -v sbatch >/dev/null 2>&1; } || need+=(slurm-wlm)
[ -x /usr/sbin/munged ] || need+=(munge)
command -v make >/dev/null 2>&1 || need+=(make)
{ command -v c++ >/dev/null 2>&1 || command -v g++ >/dev/null 2>&1; } || need+=(g++)
# The conformance test runs `apt-get download python3-jupyter-kernel-test`: that needs package lists.
lists=$(apt-cache policy python3-jupyter-kernel-test 2>/dev/null | grep -c 'Candidate: [0-9]')

if [ ${#need[@]} -eq 0 ] && [ "$lists" -gt 0 ]; then
  say "outside tools present: chromium, slurm-wlm, munge, make, a C++ compiler; apt lists for python3-jupyter-kernel-test"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "missing: ${need[*]:-nothing}; apt lists for python3-jupyter-kernel-test: $([ "$lists" -gt 0 ] && echo yes || echo no). Installing needs root and apt-get: the checks that need them will skip, saying so (fail under SADDLELAB_STRICT=1)"
  exit 0
fi
say "installing with apt-get: ${need[*]:-(package lists only)}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || say "apt-get update failed"
install() {
  apt-get install -y -qq "$@" >/dev/null || say "apt-get could not install ${*/--no-install-recommends/}; the checks that need it will skip, saying so (fail under SADDLELAB_STRICT=1)"
}
# Chromium with its recommended packages (fonts), the rest without.
for p in "${need[@]}"; do [ "$p" = chromium ] && install chromium; done
rest=()
for p in "${need[@]}"; do [ "$p" != chromium ] && rest+=("$p"); done
[ ${#rest[@]} -eq 0 ] || install --no-install-recommends "${rest[@]}"
exit 0
