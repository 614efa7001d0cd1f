#!/usr/bin/env bash
# Check the pv_ops documentation in a kernel tree with the series applied.
#
#   scripts/check-docs.sh TREE
#
# Three checks, each counted once in the closing "docs: N passed, N failed":
#   htmldocs   make SPHINXDIRS=virt htmldocs (O= under $OUT/build/docs) logs
#              no WARNING or ERROR for the pages or the sources they include
#   kernel-doc scripts/kernel-doc -none on the sources the pages include
#              (".. kernel-doc::" directives) prints nothing
#   names      every path and C name the .rst cites (``literals``, :c: roles,
#              name() in the text, kernel-doc directives) exists in TREE
# Installs Sphinx (and PyYAML, which htmldocs needs) when missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case ${1:-} in -h|--help) sed -n '2,12p' "$0"; exit 0 ;; esac
[ $# -eq 1 ] || die "usage: scripts/check-docs.sh TREE"
check_tree "$1"
TREE=$(cd "$1" && pwd)
RST=Documentation/virt/paravirt_ops.rst
[ -f "$TREE/$RST" ] || die "$TREE/$RST: not found"
# The pages checked: the pv_ops page and the Xen guest pages it links to.
pages=("$RST")
for f in "$TREE"/Documentation/virt/xen/*.rst; do [ -f "$f" ] && pages+=("${f#"$TREE"/}"); done
# The sources whose kernel-doc the pages include (".. kernel-doc:: FILE"):
# the pv_ops headers, paravirt_types.h on 6.12; on 7.x also
# paravirt-base.h and paravirt-spinlock.h.
mapfile -t HDRS < <(cd "$TREE" && sed -n 's/^[[:space:]]*\.\. kernel-doc::[[:space:]]*\([^[:space:]]*\).*/\1/p' "${pages[@]}" | sort -u)
[ ${#HDRS[@]} -gt 0 ] || die "$RST and the Xen pages include no kernel-doc (no '.. kernel-doc::' directive)"
for f in "${HDRS[@]}"; do [ -f "$TREE/$f" ] || die "$TREE/$f (a kernel-doc directive of the pages): not found"; done
hdr_re=$(printf '%s\n' "${HDRS[@]}" | sed 's/[.]/\\./g' | paste -sd'|')
BUILD=$OUT/build/docs
LOG=$BUILD/htmldocs.log
mkdir -p "$BUILD"

# (a) What the docs build needs. The kernel's conf.py uses the alabaster
# theme unless DOCS_THEME asks for another one.
need make:make perl:perl python3:python3 sphinx-build:python3-sphinx
if [ "${DOCS_THEME:-}" = sphinx_rtd_theme ] && ! dpkg -s python3-sphinx-rtd-theme >/dev/null 2>&1; then
	apt_install python3-sphinx-rtd-theme
fi
# htmldocs first generates the netlink spec pages with a script that runs
# "python3" from PATH and imports yaml. If that python3 (e.g. a pyenv one)
# has no yaml, put Debian's python3 first in PATH for the build.
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
	dpkg -s python3-yaml >/dev/null 2>&1 || apt_install python3-yaml
	if ! python3 -c 'import yaml' >/dev/null 2>&1; then
		/usr/bin/python3 -c 'import yaml' 2>/dev/null || die "no python3 with the yaml module"
		mkdir -p "$BUILD/bin"
		ln -sfn /usr/bin/python3 "$BUILD/bin/python3"
		PATH=$BUILD/bin:$PATH
	fi
fi

passed=0 failed=0
ok() { say "PASS  $1"; passed=$((passed + 1)); }
bad() { say "FAIL  $1"; failed=$((failed + 1)); }

# (b) The Sphinx build of Documentation/virt.
stage "htmldocs: make SPHINXDIRS=virt htmldocs (log: $LOG)"
t0=$(now)
rc=0
make -C "$TREE" O="$BUILD" SPHINXDIRS=virt htmldocs >"$LOG" 2>&1 || rc=$?
say "htmldocs took $(($(now) - t0)) s"
hits=$(grep -iE 'warning|error' "$LOG" | grep -E "paravirt_ops\\.rst|virt/xen/|$hdr_re" || true)
if [ "$rc" -ne 0 ]; then
	tail -n 20 "$LOG"
	bad "htmldocs: make exited with $rc"
elif [ -n "$hits" ]; then
	printf '%s\n' "$hits"
	bad "htmldocs: $(printf '%s\n' "$hits" | wc -l) warning(s) for the pv_ops docs"
else
	ok "htmldocs: no warnings for ${pages[*]} or ${HDRS[*]}"
fi

# (c) kernel-doc on the sources the pages include.
stage "kernel-doc: -none ${HDRS[*]}"
kd=$(cd "$TREE" && scripts/kernel-doc -none "${HDRS[@]}" 2>&1) || kd="$kd (kernel-doc exited non-zero)"
if [ -n "$kd" ]; then
	printf '%s\n' "$kd"
	bad "kernel-doc: ${HDRS[*]}"
else
	ok "kernel-doc: ${HDRS[*]} clean"
fi

# Every page is in a toctree (a page outside one is not reachable).
unlinked=()
for f in "${pages[@]}"; do
	d=$(dirname "$f") b=$(basename "$f" .rst)
	[ "$f" = "$RST" ] && continue
	grep -qE "^[[:space:]]+($b|xen/$b)[[:space:]]*\$" "$TREE/$d/index.rst" "$TREE/Documentation/virt/index.rst" 2>/dev/null ||
		unlinked+=("$f")
done
if [ ${#unlinked[@]} -gt 0 ]; then
	bad "toctree: not linked from an index.rst: ${unlinked[*]}"
else
	ok "toctree: ${#pages[@]} page(s) linked"
fi

# (d) The code names the pages cite.
stage "names: paths and C names cited by ${pages[*]}"
work=$BUILD/names
mkdir -p "$work"
export LC_ALL=C # one collation for sort and comm
# One candidate per line: ``literals``, :c:func:/:c:type:/... roles, name()
# in plain text and the files of kernel-doc directives.
perl -0777 -ne '
	print "$1\n" while /^\.\.\s+kernel-doc::\s*(\S+)/mg;
	s/\s+/ /g;
	print "$1\n" while /``(.+?)``/g;
	print "$1\n" while /:c:\w+:`(?:[^`<]*<)?([^`>]+)>?`/g;
	s/``.+?``//g;
	print "$1\n" while /(?<![\w.\/%-])([A-Za-z_]\w*)\(\)/g;
' "${pages[@]/#/$TREE/}" | sort -u >"$work/cited"

: >"$work/paths"; : >"$work/ids"; : >"$work/configs"
while IFS= read -r c; do
	c=${c#struct }; c=${c#enum }; c=${c#union }; c=${c%()}
	if [[ $c =~ ^[A-Za-z0-9_.+-]*/[A-Za-z0-9_./+-]*$ ]]; then
		printf '%s\n' "$c" >>"$work/paths"
	elif [[ $c =~ ^CONFIG_([A-Za-z0-9_]+)$ ]]; then
		printf '%s\n' "${BASH_REMATCH[1]}" >>"$work/configs"
	elif [[ $c =~ ^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$ ]]; then
		# a name, or a member access such as pv_ops.mmu.set_fixmap
		tr . '\n' <<<"$c" >>"$work/ids"
	elif [[ $c =~ ^([A-Za-z_][A-Za-z0-9_]*)\(([A-Za-z_][A-Za-z0-9_]*)\)$ ]]; then
		# a macro applied to a name, e.g. ALT_NOT(X86_FEATURE_XENPV)
		printf '%s\n%s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" >>"$work/ids"
	fi # anything else (asm, command lines, patterns) is not a code name
done <"$work/cited"
sort -u -o "$work/ids" "$work/ids"

missing=()
while IFS= read -r p; do
	[ -e "$TREE/${p%/}" ] || missing+=("$p (no such path)")
done <"$work/paths"
# One pass over the sources for all names, one over Kconfig for all symbols.
(cd "$TREE" || exit; grep -rhowF -f "$work/ids" --include='*.[chS]' \
	arch/x86 include init kernel mm drivers/xen tools/objtool || true) | sort -u >"$work/found"
while IFS= read -r id; do
	missing+=("$id (no such name)")
done < <(comm -23 "$work/ids" "$work/found")
if [ -s "$work/configs" ]; then
	(cd "$TREE" || exit; grep -rhE --include='Kconfig*' '^[[:space:]]*(menu)?config [A-Za-z0-9_]+' . || true) |
		awk '{ print $NF }' | sort -u >"$work/kconfig"
	while IFS= read -r sym; do
		grep -qxF "$sym" "$work/kconfig" || missing+=("CONFIG_$sym (no such Kconfig symbol)")
	done < <(sort -u "$work/configs")
fi
n=$(($(sort -u "$work/paths" | wc -l) + $(wc -l <"$work/ids") + $(sort -u "$work/configs" | wc -l)))
if [ ${#missing[@]} -gt 0 ]; then
	printf 'missing: %s\n' "${missing[@]}"
	bad "names: ${#missing[@]} of $n cited names not in the tree"
else
	ok "names: all $n cited paths, names and Kconfig symbols exist"
fi

say "docs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
