#!/usr/bin/env bash
# Prints the environment that lets Dawn (the `webgpu` npm package) run on SwiftShader, Vulkan on the
# CPU, so the webgpu engine's tests run without a GPU: `eval "$(bash scripts/setup-swiftshader.sh)"`.
# SwiftShader's Vulkan driver comes from Debian's chromium package, which the browser tests use too
# (/usr/lib/chromium: libvk_swiftshader.so, vk_swiftshader_icd.json and a Vulkan loader,
# libvulkan.so.1); as root it is installed with apt where missing. Debian's libvulkan1 is the
# loader's other source. Where neither can be had, it prints nothing and says why on stderr
# (the tests then skip, saying so). A machine with a GPU needs none of this (docs/gpu.md).
set -uo pipefail
say() { echo "[saddlelab swiftshader] $*" >&2; }
ICD_DIRS=(/usr/lib/chromium /usr/lib64/chromium /usr/lib/chromium-browser)
find_icd() {
  for d in "${ICD_DIRS[@]}"; do
    if [ -f "$d/vk_swiftshader_icd.json" ] && [ -f "$d/libvk_swiftshader.so" ]; then echo "$d"; return 0; fi
  done
  return 1
}
dir=$(find_icd)
if [ -z "$dir" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  say "installing Debian's chromium for SwiftShader's Vulkan driver"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || say "could not install chromium"
  dir=$(find_icd)
fi
if [ -z "$dir" ]; then
  say "no SwiftShader Vulkan driver (chromium's vk_swiftshader_icd.json) found; the webgpu tests will skip"
  exit 0
fi
# The Vulkan loader: chromium's own copy beside the driver, else the system's libvulkan1.
if [ -f "$dir/libvulkan.so.1" ]; then
  echo "export LD_LIBRARY_PATH=\"$dir\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\""
elif ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "installing Debian's libvulkan1 (the Vulkan loader)"
    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvulkan1 >/dev/null) || { say "could not install libvulkan1; the webgpu tests will skip"; exit 0; }
  else
    say "no Vulkan loader (libvulkan.so.1); the webgpu tests will skip"
    exit 0
  fi
fi
echo "export VK_DRIVER_FILES=\"$dir/vk_swiftshader_icd.json\""
say "SwiftShader from $dir"
