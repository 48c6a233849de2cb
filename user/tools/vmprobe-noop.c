// SPDX-License-Identifier: GPL-2.0
/*
 * vmprobe-noop: the program the fork-exec benchmark runs. It does nothing
 * and exits 0; built static so exec costs the ELF load, not ld.so.
 */
int main(void)
{
	return 0;
}
