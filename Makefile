# vmprobe top-level build. `make` builds the tools and the module; `make check` runs every test;
# `make compare` runs the default VMMs and prints the comparison; `make deps` installs what is missing.

CC      ?= cc
CFLAGS  ?= -O2 -g
VERSION := $(shell cat VERSION)
CFLAGS  += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Iinclude -Iuser -D_GNU_SOURCE \
           -DVMPROBE_VERSION='"$(VERSION)"'
LDLIBS_DYN    := -ljson-c -lpfm -lm -lpthread
LDLIBS_STATIC := -static -Wl,--start-group -ljson-c -lpfm -lm -lpthread -Wl,--end-group

BUILD := build

LIB_SRCS   := $(filter-out user/main.c,$(wildcard user/*.c)) $(wildcard user/bench/*.c)
LIB_OBJS   := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
TOOL_SRCS  := $(wildcard user/tools/*.c)
TOOLS      := $(patsubst user/tools/%.c,$(BUILD)/%,$(TOOL_SRCS))
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
GUEST_SRCS := $(wildcard tests/guest/*.c)
GUEST_BINS := $(patsubst tests/guest/%.c,$(BUILD)/guest/%,$(GUEST_SRCS))
HEADERS    := $(wildcard include/uapi/*.h user/*.h user/bench/*.h user/tools/*.h tests/guest/*.h tests/unit/*.h) \
              kmod/vmprobe_selftest.h VERSION

VMMS ?= host qemu uml

.PHONY: all user tests deps check compare clean

all: user kmod

user: $(BUILD)/vmprobe $(BUILD)/vmprobe-static $(TOOLS) $(GUEST_BINS)

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libvmprobe.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/vmprobe: $(BUILD)/obj/user/main.o $(BUILD)/libvmprobe.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_DYN)

$(BUILD)/vmprobe-static: $(BUILD)/obj/user/main.o $(BUILD)/libvmprobe.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_STATIC)

$(BUILD)/%: user/tools/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<

$(BUILD)/guest/%: tests/guest/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $< -lpthread

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libvmprobe.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libvmprobe.a -lcmocka $(LDLIBS_DYN)

# kmod-selftest: the module variant with the test op, which tests/20 and 21 load.
tests: $(UNIT_BINS) kmod-selftest

# kmod (vmprobe.ko per kernel release), print-kmods, dkms-source.
include mk/kmod.mk
# install, uninstall, deb.
include mk/install.mk

deps:
	scripts/deps

check: deps
	$(MAKE) all tests
	prove -e '' --failures --timer tests/*.t

compare: deps
	$(MAKE) all
	scripts/compare-default $(VMMS)

clean:
	rm -rf $(BUILD)
