#!/usr/bin/perl
# inetd-launch.pl - start a UDP server the way inetd does for a
# "dgram udp wait" service: bind the socket, wait for the first datagram
# (left unread, for the server to take), then run the server with the
# socket as its standard input, output and error.
#
# usage: inetd-launch.pl [-n] [-k] ADDR PORT COMMAND [ARG...]
#   -n   do not wait for a datagram: run the server at once
#   -k   keep standard output and error (only standard input is the
#        socket), so the server's messages can be read
# The server replaces this process (same pid), so its exit status is
# this program's.  ADDR may be an IPv6 address.
use strict;
use warnings;
use Getopt::Std;
use IO::Select;
use IO::Socket::IP;
use POSIX qw(dup2);
use Socket qw(SOCK_DGRAM);

my %o;
getopts('nk', \%o) && @ARGV >= 3 or do {
	print STDERR "usage: inetd-launch.pl [-n] [-k] ADDR PORT COMMAND [ARG...]\n";
	exit 2;
};
my ($addr, $port, @cmd) = @ARGV;

my $s = IO::Socket::IP->new(LocalHost => $addr, LocalPort => $port,
    Type => SOCK_DGRAM, ReuseAddr => 1)
    or die "inetd-launch.pl: bind $addr port $port: $@\n";
IO::Select->new($s)->can_read unless $o{n};

my $fd = fileno($s);
for my $to ($o{k} ? (0) : (0, 1, 2)) {
	dup2($fd, $to) // die "inetd-launch.pl: dup2: $!\n";
}
# perl marks its own descriptors close-on-exec; dup2 clears the flag on
# the copies, and the original goes away with the exec
exec { $cmd[0] } @cmd or die "inetd-launch.pl: $cmd[0]: $!\n";
