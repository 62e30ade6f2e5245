#!/usr/bin/perl
# cut-relay.pl - a TCP relay that breaks one transfer off halfway, for
# tests of resumed downloads.
#
# usage: cut-relay.pl LISTEN_ADDR PORT SERVER_ADDR SERVER_PORT LIMIT
#
# Every connection to LISTEN_ADDR PORT is relayed to the server.  The
# first one whose answer grows past LIMIT bytes is closed both ways at
# that point; all others pass whole.  Prints the request line and any
# Range header of each request, and "cut after N bytes", one a line.
use strict;
use warnings;
use IO::Select;
use IO::Socket::IP;

@ARGV == 5 or die "usage: cut-relay.pl LISTEN_ADDR PORT SERVER_ADDR SERVER_PORT LIMIT\n";
my ($laddr, $lport, $saddr, $sport, $limit) = @ARGV;
$| = 1;
$SIG{CHLD} = 'IGNORE';
my $listen = IO::Socket::IP->new(LocalHost => $laddr, LocalPort => $lport,
    Listen => 16, ReuseAddr => 1) or die "cut-relay.pl: $laddr $lport: $@\n";
my $cut = 0;	# the parent's view: set once a child said it cut

pipe(my $said, my $say) or die "cut-relay.pl: pipe: $!\n";
my $sel = IO::Select->new($listen, $said);
while (1) {
	for my $fh ($sel->can_read) {
		if ($fh == $said) {
			sysread($said, my $b, 64) and $cut = 1;
			next;
		}
		my $client = $listen->accept or next;
		# the child says so before it closes: a retry finds it here
		$cut = 1 if !$cut && IO::Select->new($said)->can_read(0) &&
		    sysread($said, my $b, 64);
		my $pid = fork;
		die "cut-relay.pl: fork: $!\n" unless defined $pid;
		if ($pid == 0) {
			relay($client, $cut ? 0 : $limit);
			exit 0;
		}
		close $client;
	}
}

sub relay {
	my ($client, $max) = @_;
	my $server = IO::Socket::IP->new(PeerHost => $saddr,
	    PeerPort => $sport) or return;
	my $s = IO::Select->new($client, $server);
	my $down = 0;
	while (1) {
		for my $fh ($s->can_read) {
			my $n = sysread($fh, my $buf, 16384);
			return unless $n;
			if ($fh == $client) {
				for (split /\r\n/, $buf) {
					print "$_\n" if /^(GET|HEAD) |^Range:/i;
				}
				syswrite($server, $buf);
				next;
			}
			if ($max && $down + $n > $max) {
				syswrite($client, substr($buf, 0, $max - $down));
				print "cut after $max bytes\n";
				syswrite($say, "cut\n");
				return;
			}
			$down += $n;
			syswrite($client, $buf);
		}
	}
}
