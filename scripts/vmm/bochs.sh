# shellcheck shell=bash
# Globals here are read by scripts/run-vmm, which sources this file.
# shellcheck disable=SC2034,SC2153
# vmm-order: 80
# vmm-class: emulation
# Bochs 2.7: full emulation, an interpreter of every x86 instruction. It
# boots only from disks, so the kernel and initramfs go on an isolinux ISO.
# com1 is the console (a file), com2 the results channel (run-vmm's FIFO).
# Debian's Bochs has its debugger built in and stops at a prompt: the -rc
# file answers "c" (continue). Its only text display, term, needs a
# terminal, so it runs under script(1) (scripts/vmm/bochs-run, which also
# drains the separate terminal the display writes to). Bochs's TSC
# follows the emulated instruction count (ips per second of emulated time),
# so vmprobe is told --clock bochs-ips with the settings; the host-side
# marks give real time. The guest ends with poweroff -f, which ends Bochs.

# shellcheck source=scripts/lib/guest.sh
. "$SCRIPTS/lib/guest.sh"

VMM_TIMEOUT=3600
# The guest clock runs ~90x slower than real time here (host marks), so
# power-off after the last word can take a while in real seconds.
VMM_END_GRACE=120
BOCHS_IPS=${VMPROBE_BOCHS_IPS:-200000000}
BOCHS_SYNC=realtime
BOCHS_MEGS=1024
VMM_VMPROBE_ARGS=(--clock bochs-ips --clock-note "ips=$BOCHS_IPS sync=$BOCHS_SYNC")

vmm_help() {
	cat <<EOF
bochs: Bochs 2.7 (cpu corei7_skylake_x, one CPU, ips=$BOCHS_IPS (VMPROBE_BOCHS_IPS), clock sync=$BOCHS_SYNC,
$BOCHS_MEGS MiB) booting an isolinux ISO with the kernel and the initramfs; console on com1, results
on com2. Boot takes about 80 s. Default time limit ${VMM_TIMEOUT} s.
EOF
}

vmm_usable() {
	local needed
	for needed in bochs script xorriso; do
		command -v "$needed" > /dev/null || { echo "$needed not installed"; return 1; }
	done
	for needed in /usr/share/bochs/BIOS-bochs-latest /usr/share/vgabios/vgabios.bin; do
		[ -f "$needed" ] || { echo "$needed missing (bochsbios, vgabios)"; return 1; }
	done
	[[ "$BOCHS_IPS" =~ ^[1-9][0-9]*$ ]] || { echo "bad VMPROBE_BOCHS_IPS '$BOCHS_IPS'"; return 1; }
	guest_kernel > /dev/null
}

vmm_launch() {
	local kernel
	kernel=$(guest_kernel)
	stage_guest "$WORK/root" /dev/ttyS1 poweroff
	"$SCRIPTS/guest/mkinitramfs" "$WORK/root" "$WORK/initrd.gz"
	# panic=0: a panicked guest stays down (a reboot would boot it again);
	# run-vmm sees "Kernel panic" on the console and stops Bochs.
	"$SCRIPTS/guest/mkiso" "$kernel" "$WORK/initrd.gz" "console=ttyS0 quiet panic=0" "$WORK/boot.iso"
	CONSOLE_FILE=$WORK/console
	cat > "$WORK/bochsrc" <<EOF
megs: $BOCHS_MEGS
cpu: model=corei7_skylake_x, count=1, ips=$BOCHS_IPS
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$WORK/boot.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$CONSOLE_FILE
com2: enabled=1, mode=file, dev=$CHANNEL
display_library: term
log: $WORK/bochs.log
clock: sync=$BOCHS_SYNC, time0=local
EOF
	echo c > "$WORK/bochs.rc"
	VMM_CMD=("$SCRIPTS/vmm/bochs-run" "$WORK/bochsrc" "$WORK/bochs.rc")
}
