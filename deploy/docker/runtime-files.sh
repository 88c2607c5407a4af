#!/bin/sh
# What the runtime image holds, assembled from a built checkout: the manifests, the compiled output, the
# bins, and the production node_modules with the native modules (hnswlib-node) already built. The
# Dockerfile's build stage runs it; packages/cli/test/docker-runtime.test.ts runs it too and starts
# onramp from the result, since there is no Docker engine where the tests run.
#   runtime-files.sh <built checkout> <out>        (ONRAMP_LINK_FILES=1: hard links instead of copies)
set -eu
src=$(cd "$1" && pwd)
out=$2
copy="cp -a"
if [ "${ONRAMP_LINK_FILES:-}" = 1 ]; then copy="cp -al"; fi
mkdir -p "$out"
cp "$src/package.json" "$src/package-lock.json" "$out/"
cp -r "$src/bin" "$out/"
for dir in "$src"/packages/* "$src"/services/*; do
  rel=${dir#"$src"/}
  mkdir -p "$out/$rel"
  cp "$dir/package.json" "$out/$rel/"
  cp -r "$dir/dist" "$out/$rel/"
  if [ -d "$dir/bin" ]; then cp -r "$dir/bin" "$out/$rel/"; fi
  if [ -d "$dir/node_modules" ]; then $copy "$dir/node_modules" "$out/$rel/"; fi
done
$copy "$src/node_modules" "$out/"
# npm rewrites its hidden lockfile in place: with hard links that would rewrite the checkout's too.
if [ -f "$out/node_modules/.package-lock.json" ]; then
  cp --remove-destination "$src/node_modules/.package-lock.json" "$out/node_modules/.package-lock.json"
fi
# Development dependencies out; scripts off: everything native was built by the install before.
cd "$out"
npm prune --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
