#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
# dhcp-send.pl - send hand-made DHCP datagrams from a client's port and
# show every datagram that comes back, broadcast replies included.
#
# usage: dhcp-send.pl [-i IFACE] [-b ADDR] [-l PORT] [-w SECS] [-n COUNT]
#                     HOST PORT HEX...
#
# The socket is bound to ADDR:PORT (-b, default 0.0.0.0; -l, default 68,
# the BOOTP client port), to the interface IFACE (-i, SO_BINDTODEVICE) and
# may broadcast, so HOST may be 255.255.255.255.  Bound to a unicast ADDR
# it receives no broadcasts: what comes was sent to ADDR.  Each HEX argument is one datagram in hex
# digits (blanks ignored); they go out in order to HOST:PORT.  Every reply
# that arrives within SECS (-w, default 1) of the last sending is printed
# on a line of its own:  ADDRESS PORT HEX.  -n COUNT stops after COUNT
# replies (default 0: wait out SECS).
# Exit status: 0 a reply came, 1 none did, 2 usage error.
use strict;
use warnings;
use Getopt::Std;
use IO::Select;
use IO::Socket::INET;
use Socket qw(SOL_SOCKET SO_BROADCAST inet_ntoa unpack_sockaddr_in
    pack_sockaddr_in inet_aton);
use Time::HiRes qw(time);

use constant SO_BINDTODEVICE => 25;	# Linux

$| = 1;
my %o;
sub usage {
	print STDERR "usage: dhcp-send.pl [-i IFACE] [-b ADDR] [-l PORT] ",
	    "[-w SECS] [-n COUNT] HOST PORT HEX...\n";
	exit 2;
}
getopts('i:b:l:w:n:', \%o) or usage();
@ARGV >= 3 or usage();
my ($host, $port, @hex) = @ARGV;
my $wait = $o{w} // 1;
my $count = $o{n} // 0;
my $lport = $o{l} // 68;
($wait =~ /^\d+(\.\d+)?$/ && $count =~ /^\d+$/ && $port =~ /^\d+$/ &&
    $lport =~ /^\d+$/) or usage();
my @packets;
for my $h (@hex) {
	(my $digits = $h) =~ s/\s+//g;
	$digits =~ /^(?:[0-9a-fA-F]{2})*$/ or usage();
	push @packets, pack('H*', $digits);
}

my $sock = IO::Socket::INET->new(Proto => 'udp',
    LocalAddr => $o{b} // '0.0.0.0', LocalPort => $lport, ReuseAddr => 1)
    or die "dhcp-send.pl: bind port $lport: $@\n";
setsockopt($sock, SOL_SOCKET, SO_BROADCAST, 1)
    or die "dhcp-send.pl: SO_BROADCAST: $!\n";
if (defined $o{i}) {
	setsockopt($sock, SOL_SOCKET, SO_BINDTODEVICE, $o{i})
	    or die "dhcp-send.pl: SO_BINDTODEVICE $o{i}: $!\n";
}
my $addr = inet_aton($host) or die "dhcp-send.pl: bad address $host\n";
my $to = pack_sockaddr_in($port, $addr);
for my $p (@packets) {
	defined send($sock, $p, 0, $to) or die "dhcp-send.pl: send: $!\n";
}

my $sel = IO::Select->new($sock);
my $deadline = time + $wait;
my $got = 0;
while (!$count || $got < $count) {
	my $left = $deadline - time;
	last if $left <= 0 || !$sel->can_read($left);
	my $from = recv($sock, my $buf, 65535, 0);
	defined $from or die "dhcp-send.pl: recv: $!\n";
	my ($fport, $faddr) = unpack_sockaddr_in($from);
	printf "%s %d %s\n", inet_ntoa($faddr), $fport, unpack('H*', $buf);
	$got++;
}
exit($got ? 0 : 1);
