# make install / make uninstall (included by the top-level Makefile).
#
#   make install [PREFIX=/usr/local] [DESTDIR=]
#   make uninstall [PREFIX=/usr/local] [DESTDIR=]
#
# Puts in place:
#   PREFIX/bin/vmprobe                          the command
#   PREFIX/lib/vmprobe/vmprobe-static, helpers  the static build a guest gets, and the
#                                               small static tools the guest scripts use
#   PREFIX/share/man/man1/vmprobe.1             the manual (docs/vmprobe.1)
#   PREFIX/share/bash-completion/completions/vmprobe   bash completion
#   PREFIX/src/vmprobe-VERSION/                 the module's source with dkms.conf
#                                               (make dkms-source, mk/kmod.mk)
# DESTDIR is prepended to every path (staged installs, packages); nothing
# is written outside it. install builds the tools first (not the module: the
# installed source is built by DKMS, per kernel, on the target machine).

PREFIX   ?= /usr/local
DESTDIR  ?=
INSTALL  ?= install
BINDIR        = $(PREFIX)/bin
PKGLIBDIR     = $(PREFIX)/lib/vmprobe
MAN1DIR       = $(PREFIX)/share/man/man1
BASHCOMPDIR   = $(PREFIX)/share/bash-completion/completions
DKMS_SRCDIR   = $(PREFIX)/src/vmprobe-$(VERSION)

INSTALL_HELPERS := $(BUILD)/vmprobe-static $(TOOLS)

.PHONY: install uninstall install-build deb

# What install needs built (debian/rules builds this, not the module or the tests).
install-build: $(BUILD)/vmprobe $(INSTALL_HELPERS) $(BUILD)/vmprobe.1

# The manual with the release number from VERSION (docs/vmprobe.1 reads as is with man -l).
$(BUILD)/vmprobe.1: docs/vmprobe.1 VERSION
	@mkdir -p $(dir $@)
	sed 's/"vmprobe [0-9][^"]*"/"vmprobe $(VERSION)"/' $< > $@

install: $(BUILD)/vmprobe $(INSTALL_HELPERS) $(BUILD)/vmprobe.1
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PKGLIBDIR) $(DESTDIR)$(MAN1DIR) \
	  $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0755 $(BUILD)/vmprobe $(DESTDIR)$(BINDIR)/vmprobe
	$(INSTALL) -m 0755 $(INSTALL_HELPERS) $(DESTDIR)$(PKGLIBDIR)/
	$(INSTALL) -m 0644 $(BUILD)/vmprobe.1 $(DESTDIR)$(MAN1DIR)/vmprobe.1
	$(INSTALL) -m 0644 contrib/vmprobe.bash-completion $(DESTDIR)$(BASHCOMPDIR)/vmprobe
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)
	$(MAKE) --no-print-directory dkms-source DKMS_DEST=$(DESTDIR)$(DKMS_SRCDIR)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vmprobe $(DESTDIR)$(MAN1DIR)/vmprobe.1 \
	  $(DESTDIR)$(BASHCOMPDIR)/vmprobe \
	  $(addprefix $(DESTDIR)$(PKGLIBDIR)/,$(notdir $(INSTALL_HELPERS)))
	if [ -d $(DESTDIR)$(PKGLIBDIR) ]; then rmdir --ignore-fail-on-non-empty $(DESTDIR)$(PKGLIBDIR); fi
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)

# make deb: build/deb/vmprobe_VERSION_amd64.deb (the tools, the manual, the
# completion) and build/deb/vmprobe-dkms_VERSION_all.deb (the module source;
# DKMS builds it on installation for every kernel).
#
# Built with debhelper and dh-dkms rather than dpkg-deb and hand-written
# control files: dh_dkms writes the maintainer scripts that register the
# source with DKMS and build it (and remove it again), dh_shlibdeps works out
# the shared library dependencies, and dh_compress, dh_md5sums, dh_strip and
# dh_installchangelogs give what Debian policy (and lintian) asks for; by
# hand, each of those would be a second copy of Debian's own rules. The files
# themselves come from `make install`, so the package and a plain install
# cannot drift apart.
#
# dpkg-buildpackage builds in, and cleans, the tree it is given: it gets a
# copy of the sources under build/deb/src, so the working tree is left alone.
# The package version is VERSION (a native package), the changelog entry is
# written into the copy.
DEB_DIR   := $(BUILD)/deb
DEB_PATHS := Makefile mk user include kmod docs/vmprobe.1 contrib debian dkms.conf VERSION

deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then \
	  git ls-files -z --cached --others --exclude-standard -- $(DEB_PATHS) | tar --null -T - -cf - ; \
	else tar --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' -cf - $(DEB_PATHS); fi | \
	  tar -C $(DEB_DIR)/src -xf -
	printf '%s\n' 'vmprobe ($(VERSION)) unstable; urgency=medium' '' \
	  '  * Release $(VERSION) (see the project history for the changes).' '' \
	  ' -- $(shell sed -n 's/^Maintainer: //p' debian/control)  $(shell date -R -d @$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2> /dev/null || date +%s)})' \
	  > $(DEB_DIR)/src/debian/changelog
	cd $(DEB_DIR)/src && dpkg-buildpackage -b -us -uc --no-sign
	@ls $(DEB_DIR)/vmprobe_$(VERSION)_amd64.deb $(DEB_DIR)/vmprobe-dkms_$(VERSION)_all.deb
