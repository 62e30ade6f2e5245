#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bootcfg.cgi: what lighttpd runs for /cgi-bin/bootcfg (see netboot-cgi.conf):
# bootcfg answering one CGI request, the hosts table and profiles named by
# BOOTCFG_HOSTS and BOOTCFG_PROFILES, which the web server sets.
# BOOTCFG names another bootcfg binary than /usr/bin/bootcfg.
exec "${BOOTCFG:-/usr/bin/bootcfg}" --cgi
