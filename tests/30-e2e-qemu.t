#!/usr/bin/env bash
# End to end under QEMU TCG: boot the guest kernel, load the real module, run
# the real vmprobe (short sizes), bring the JSON and the live markers back
# over the results serial port, stamp them on the host and annotate.
# The ktimed-* rows that must succeed come from the one per-VMM table
# (tests/guest/module-tests.sh required_ops); "all" means every op of
# include/uapi/vmprobe.h's VMPROBE_KTIMED_OPS (rdtscp included: QEMU's
# -cpu max has RDTSCP whatever the host has).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
. tests/lib/guest.sh
guest_require --command qemu-system-x86_64 "qemu-system-x86_64 not installed" --kernel --module \
	build/vmprobe-static build/vmprobe-stamp build/vmprobe-exit build/vmprobe
required=$(sh tests/guest/module-tests.sh --print-required qemu)
all_ops=$(sed -n 's/^[[:space:]]*X([A-Z0-9_]*, *[a-z0-9_]*, *"\([a-z0-9_-]*\)".*/\1/p' include/uapi/vmprobe.h)
ktimed_args=()
declare -A want_op=()
for tok in ${required//,/ }; do	# as modtest reads it: "all", names, "-NAME" taking one back
	case $tok in
	all) for op in $all_ops; do want_op[$op]=1; done ;;
	-all) want_op=() ;;
	-*) unset "want_op[${tok#-}]" ;;
	*) want_op[$tok]=1 ;;
	esac
done
for op in $all_ops; do
	[ -n "${want_op[$op]:-}" ] && ktimed_args+=(--ok-bench "ktimed-$op")
done
e2e_check qemu 'vmprobe-init: module loaded' \
	--ok-bench getpid --ok-bench matmul-10 --ok-bench ioctl-null "${ktimed_args[@]}"

# The host's view of QEMU (issue 19): every row that ran ops has a vmm_host; where its markers
# bracketed the row (not "unbracketed": a begin marker the host read late, with later lines, as
# happens to short --quick rows under load: 13 of 42 rows in one loaded run here, none in full
# runs), host CPU per op > 0 (QEMU's TCG thread runs the guest's every op) and a system share in
# [0, 1] or null (a row that lasted no clock tick); at least one row has figures; the run has its
# load averages. On stderr, which prove shows without -v: what fell short.
host_view=$(perl -MJSON::PP -e '
	local $/; my $r = decode_json(<>); my @bad; my ($rows, $figures) = (0, 0);
	for my $b (@{$r->{benchmarks}}) {
		next unless $b->{status} eq "ok" && ($b->{ops_run} // 0) > 0;
		$rows++;
		my $h = $b->{vmm_host};
		if (!$h) { push @bad, "$b->{name}: no vmm_host"; next }
		next if $h->{unbracketed};
		$figures++;
		push @bad, "$b->{name}: cpu_ns_per_op " . ($h->{cpu_ns_per_op} // "null") . ", sys_share " . ($h->{sys_share} // "null")
			unless ($h->{cpu_ns_per_op} // 0) > 0
			       && (!defined $h->{sys_share} || ($h->{sys_share} >= 0 && $h->{sys_share} <= 1));
	}
	push @bad, "no row with host figures" unless $figures;
	push @bad, "no top-level vmm_host with loadavg_start and loadavg_end"
		unless ref $r->{vmm_host} eq "HASH" && $r->{vmm_host}{loadavg_start} && $r->{vmm_host}{loadavg_end};
	print "$figures of $rows rows with figures\n", map { "$_\n" } @bad; exit(@bad ? 1 : 0)' "$tmp/out/qemu.json" 2>&1)
host_status=$?
ok "$host_status" "host view: host CPU per op > 0 for every row with ops that its markers bracketed ($(head -n1 <<< "$host_view"))"
[ "$host_status" = 0 ] || sed -n '2,$p' <<< "$host_view" | head -10 | sed 's/^/#   /' >&2
echo "1..$n"
exit "$failed"
