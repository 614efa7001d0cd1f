# shellcheck shell=bash
# Minimal TAP-ish test helpers for the project's own tests.
# Each test prints "ok N - name" or "not ok N - name"; finish() prints the
# closing "N passed, N failed" line and returns non-zero on any failure.
T_PASS=0 T_FAIL=0 T_N=0
not() { ! "$@"; }
expect() { # NAME COMMAND...
	local name=$1; shift
	T_N=$((T_N + 1))
	if "$@" >/dev/null 2>&1; then
		T_PASS=$((T_PASS + 1)); printf 'ok %d - %s\n' "$T_N" "$name"
	else
		T_FAIL=$((T_FAIL + 1)); printf 'not ok %d - %s\n' "$T_N" "$name"
	fi
}
expect_match() { # NAME REGEX TEXT
	T_N=$((T_N + 1))
	if grep -Eq -- "$2" <<<"$3"; then
		T_PASS=$((T_PASS + 1)); printf 'ok %d - %s\n' "$T_N" "$1"
	else
		T_FAIL=$((T_FAIL + 1)); printf 'not ok %d - %s\n' "$T_N" "$1"
		printf '#   expected /%s/ in:\n' "$2"; printf '%s\n' "$3" | sed 's/^/#     /' | head -n 20
	fi
}
expect_eq() { # NAME EXPECTED ACTUAL (whole texts, every line)
	T_N=$((T_N + 1))
	if [ "$2" = "$3" ]; then
		T_PASS=$((T_PASS + 1)); printf 'ok %d - %s\n' "$T_N" "$1"
	else
		T_FAIL=$((T_FAIL + 1)); printf 'not ok %d - %s\n' "$T_N" "$1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/#   /' | head -n 20
	fi
}
finish() {
	printf '# %s: %d passed, %d failed\n' "$(basename "$0")" "$T_PASS" "$T_FAIL"
	[ "$T_FAIL" -eq 0 ]
}
