#!/bin/bash
# format-check.sh - every tracked C file must be as clang-format (with the
# repository's .clang-format) leaves it. Prints "PASS format/check" or
# "FAIL format/check: N files" followed by their names; `make format`
# fixes them.
cd "$(dirname "$0")/.."
if ! command -v clang-format > /dev/null; then
	echo "FAIL format/check: clang-format is not installed (scripts/deps.sh)"
	exit 1
fi
bad=()
for f in $(git ls-files '*.c' '*.h'); do
	clang-format --dry-run --Werror "$f" > /dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -eq 0 ]; then
	echo "PASS format/check"
	exit 0
fi
echo "FAIL format/check: ${#bad[@]} files differ from clang-format (make format)"
printf '    | %s\n' "${bad[@]}"
exit 1
