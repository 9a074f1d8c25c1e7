#!/bin/sh
# check-ksyms.sh PASS1 FINAL - the symbol table built from PASS1 is only right
# if no text symbol moved in the final link; fail the build otherwise.
a=$(nm -n "$1" | awk '$2 ~ /^[tT]$/')
b=$(nm -n "$2" | awk '$2 ~ /^[tT]$/')
if [ "$a" != "$b" ]; then
	echo "check-ksyms: text symbols moved between links" >&2
	exit 1
fi
