# vmprobe.ko, built once per kernel release (included by the top-level Makefile).
#
#   make kmod                  every installed kernel tree, into build/kmod/RELEASE/vmprobe.ko
#   make kmod-selftest         the same trees, the selftest variant (VMPROBE_SELFTEST=1:
#                              the test op and its parameters, kmod/vmprobe_selftest.h)
#                              into build/kmod/RELEASE/selftest/vmprobe.ko; `make tests`
#                              builds it, tests/20 and 21 load it
#   make kmod KDIR=TREE        that tree only
#   make print-kmods           one line per tree: RELEASE TREE MODULE
#   make dkms-source DKMS_DEST=DIR   the DKMS source tree (dkms.conf, kmod/, include/) in DIR
#
# The trees: the running kernel's /lib/modules/$(uname -r)/build when there is
# one, and every Debian /usr/src/linux-headers-*-amd64, which includes the
# -cloud-amd64 and -rt-amd64 flavours: a tree is installed because someone
# boots that kernel (-cloud is the kernel of Debian's cloud VM images, the
# guests vmprobe is for), and each build takes seconds.
#
# kbuild writes its objects beside the sources and (on 6.1 and 6.12) has no
# separate output directory for external modules (MO= came with 6.13), so
# each release builds from its own copy of the sources, laid out like the
# DKMS tree: build/kmod/RELEASE/src/{kmod,include/uapi}. The copies keep
# their times (cp -p), so kbuild rebuilds only what changed.

KMOD_SOURCES := kmod/Kbuild kmod/Makefile $(filter-out %.mod.c,$(wildcard kmod/*.c)) $(wildcard kmod/*.h)
KMOD_UAPI    := include/uapi/vmprobe.h

ifdef KDIR
KMOD_TREES := $(KDIR)
else
KMOD_TREES := $(sort $(realpath $(wildcard /lib/modules/$(shell uname -r)/build) \
                                $(wildcard /usr/src/linux-headers-*-amd64)))
endif

# kmod_stage DIR: copy the module's sources into DIR in the DKMS layout.
kmod_stage = mkdir -p $(1)/kmod $(1)/include/uapi && cp -p $(KMOD_SOURCES) $(1)/kmod/ && \
             cp -p $(KMOD_UAPI) $(1)/include/uapi/ && cp -p VERSION $(1)/

KMOD_MODULES :=
KMOD_SELFTEST_MODULES :=
KMOD_LIST    :=

# kmod_tree TREE RELEASE: the rule for one tree. The module depends on the
# sources and on the tree's configuration and symbol versions, which change
# when the headers package does.
define kmod_tree
KMOD_MODULES += $(BUILD)/kmod/$(2)/vmprobe.ko
KMOD_LIST += $(2):$(1):$(BUILD)/kmod/$(2)/vmprobe.ko
$(BUILD)/kmod/$(2)/vmprobe.ko: $(KMOD_SOURCES) $(KMOD_UAPI) $(wildcard $(1)/.config $(1)/Module.symvers)
	@echo "kmod: building for $(2) (KDIR=$(1))"
	@$$(call kmod_stage,$(BUILD)/kmod/$(2)/src)
	$$(MAKE) -C $(1) M=$(CURDIR)/$(BUILD)/kmod/$(2)/src/kmod modules
	cp $(BUILD)/kmod/$(2)/src/kmod/vmprobe.ko $$@
KMOD_SELFTEST_MODULES += $(BUILD)/kmod/$(2)/selftest/vmprobe.ko
$(BUILD)/kmod/$(2)/selftest/vmprobe.ko: $(KMOD_SOURCES) $(KMOD_UAPI) $(wildcard $(1)/.config $(1)/Module.symvers)
	@echo "kmod: building the selftest variant for $(2) (KDIR=$(1))"
	@$$(call kmod_stage,$(BUILD)/kmod/$(2)/selftest/src)
	$$(MAKE) -C $(1) M=$(CURDIR)/$(BUILD)/kmod/$(2)/selftest/src/kmod VMPROBE_SELFTEST=1 modules
	cp $(BUILD)/kmod/$(2)/selftest/src/kmod/vmprobe.ko $$@
endef

# A tree's release is its UTS_RELEASE, which is what goes into the module's
# vermagic and what `uname -r` says; include/config/kernel.release is no
# substitute (Debian's 6.1 trees say 6.1.192 there, not 6.1.0-56-amd64).
kmod_release = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(1)/include/generated/utsrelease.h 2> /dev/null)
$(foreach tree,$(KMOD_TREES),$(if $(call kmod_release,$(tree)),\
  $(eval $(call kmod_tree,$(tree),$(call kmod_release,$(tree))))))

.PHONY: kmod kmod-selftest print-kmods dkms-source

kmod: $(KMOD_MODULES)
	@if [ -z "$(KMOD_MODULES)" ]; then \
	  echo "kmod: no kernel build tree$(if $(KDIR), in KDIR=$(KDIR) (no include/generated/utsrelease.h),): install linux-headers-amd64 (make deps) or set KDIR=..." >&2; \
	  exit 1; fi

# No tree: nothing to build (the module tests then skip, saying why).
kmod-selftest: $(KMOD_SELFTEST_MODULES)

print-kmods:
	@$(foreach entry,$(KMOD_LIST),echo "$(subst :, ,$(entry))";)

DKMS_DEST ?=
dkms-source:
	@if [ -z "$(DKMS_DEST)" ]; then echo "dkms-source: set DKMS_DEST=DIR (e.g. /usr/src/vmprobe-$$(cat VERSION))" >&2; exit 2; fi
	$(call kmod_stage,$(DKMS_DEST))
	sed 's/^PACKAGE_VERSION=.*/PACKAGE_VERSION="$(shell cat VERSION)"/' dkms.conf > $(DKMS_DEST)/dkms.conf
	cp -p VERSION $(DKMS_DEST)/VERSION
