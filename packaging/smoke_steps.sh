# What the smoke scripts share: one line a step, and the first failure stops the script.
# Sourced by smoke_bundle.sh and smoke_wheel.sh, which set SMOKE_NAME and $tmp first.

step() { printf '  %-22s %s\n' "$1" "$2"; }

fail() {
  echo "$SMOKE_NAME: FAILED at '$1': $2" >&2
  if [[ -s "$tmp/err" ]]; then tail -n 20 "$tmp/err" | sed 's/^/  | /' >&2; fi
  exit 1
}

# run STEP COMMAND...: stdout in $tmp/out, stderr in $tmp/err; a non-zero exit or a
# traceback fails the step.
run() {
  local name="$1"
  shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local status=$?
  ((status == 0)) || fail "$name" "exit status $status from: $*"
  if grep -q "^Traceback" "$tmp/err"; then fail "$name" "a traceback on stderr"; fi
}

expect() {  # expect STEP PATTERN: the step's output holds PATTERN
  grep -q -- "$2" "$tmp/out" || fail "$1" "expected '$2' in its output, got: $(head -c 300 "$tmp/out")"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

is_irdesk_file() {  # the SQLite header with irdesk's application id "IRDK" at offset 68
  [[ -f "$1" ]] && [[ "$(head -c 15 "$1")" == "SQLite format 3" ]] &&
    [[ "$(dd if="$1" bs=1 skip=68 count=4 2>/dev/null)" == "IRDK" ]]
}
