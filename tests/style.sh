#!/usr/bin/env bash
# Style checks over the C sources: line width, banned calls, and shortcoming
# marks (those belong in docs/). Prints each offence; fails if any.
set -u
what=$1
root=$2
cd "$root" || exit 2
files=$(git ls-files '*.c' '*.h' 2>/dev/null)
[ -n "$files" ] || files=$(find . -name '*.c' -o -name '*.h' | grep -v '^./build')

case $what in
width)
	out=$(for f in $files; do
		expand -t 8 "$f" |
			awk -v f="$f" 'length > 80 && !/https?:\/\// \
				{ print f ":" FNR }'
	done)
	;;
banned)
	out=$(grep -nwE '(atoi|atol|atof|sprintf|vsprintf|strcpy|strcat|gets)' \
		$files | grep -vE '^[^:]+:[0-9]+:\s*(/?\*|//)')
	;;
marks)
	out=$(grep -nwE 'TODO|FIXME|XXX' $files)
	;;
*)
	echo "usage: style.sh width|banned|marks ROOT" >&2
	exit 2
	;;
esac

if [ -n "$out" ]; then
	printf '%s\n' "$out"
	exit 1
fi
exit 0
