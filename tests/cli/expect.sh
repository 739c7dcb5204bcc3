#!/usr/bin/env bash
# Runs a command and checks its exit status and output: expect.sh ok|fail REGEX -- command args...
# ok: exit 0 and stdout+stderr match REGEX; fail: non-zero exit and stdout+stderr match REGEX.
set -u
want=$1 regex=$2
shift 3
out=$("$@" 2>&1)
status=$?
if [ "$want" = ok ] && [ $status -ne 0 ]; then
  printf 'expected success, got exit %d:\n%s\n' "$status" "$out"
  exit 1
fi
if [ "$want" = fail ] && [ $status -eq 0 ]; then
  printf 'expected a non-zero exit, got 0:\n%s\n' "$out"
  exit 1
fi
if ! printf '%s' "$out" | grep -Eq -- "$regex"; then
  printf 'output does not match /%s/:\n%s\n' "$regex" "$out"
  exit 1
fi
printf '%s\n' "$out" | tail -3
