#!/bin/bash
# ltp-compare.sh RESULTS [REFERENCE [RUNLIST]] - summarize an LTP run
# ("NAME RESULT dir=DIR" lines) and compare it with the reference (Linux's
# results in the same format): counts per result, per directory how many
# pass here of those that pass on Linux, and the tests that pass on Linux
# but not here. With RUNLIST (the runner's "NAME DIR COMMAND" list), a
# test it names that has no result line counts as "missing" (the run
# stopped before it).
set -eu
results=$1
ref=${2:-}
runlist=${3:-}
awk -v ref="$ref" -v runlist="$runlist" '
	function dirof(s) { sub(/^dir=/, "", s); return s }
	BEGIN {
		if (ref != "")
			while ((getline line < ref) > 0) {
				split(line, f, " ")
				linux[f[1]] = f[2]
			}
	}
	{
		n++; count[$2]++; d = dirof($3); res[$1] = $2; dirs[d] = 1
		tdir[$1] = d; order[n] = $1
		if (linux[$1] == "pass") {
			lp++; dlp[d]++
			if ($2 == "pass") { both++; dboth[d]++ }
		}
	}
	END {
		if (runlist != "")
			while ((getline line < runlist) > 0) {
				split(line, f, " ")
				if (f[1] == "#" || f[1] in res)
					continue
				n++; count["missing"]++; res[f[1]] = "missing"
				order[n] = f[1]; dirs[f[2]] = 1
				if (linux[f[1]] == "pass") { lp++; dlp[f[2]]++ }
			}
		printf "ltp: %d tests: %d pass, %d fail, %d broken, %d tconf, %d timeout, %d signal, %d missing\n",
			n, count["pass"], count["fail"], count["broken"],
			count["tconf"], count["timeout"], count["signal"],
			count["missing"]
		if (ref == "")
			exit
		printf "ltp: %d of the %d tests that pass on Linux pass here (%.0f%%)\n",
			both, lp, lp ? 100 * both / lp : 0
		printf "ltp: per directory (pass here / pass on Linux):"
		k = 0
		for (d in dirs)
			names[++k] = d
		# insertion sort, for a stable listing
		for (i = 2; i <= k; i++) {
			v = names[i]
			for (j = i - 1; j > 0 && names[j] > v; j--)
				names[j + 1] = names[j]
			names[j + 1] = v
		}
		for (i = 1; i <= k; i++) {
			if (i % 6 == 1)
				printf "\n "
			printf " %s %d/%d", names[i], dboth[names[i]], dlp[names[i]]
		}
		printf "\nltp: pass on Linux, not here:"
		k = 0
		for (i = 1; i <= n; i++) {
			t = order[i]
			if (linux[t] == "pass" && res[t] != "pass") {
				if (k++ % 6 == 0)
					printf "\n "
				printf " %s(%s)", t, res[t]
			}
		}
		printf "%s\n", k ? "" : " none"
	}
' "$results"
