#!/usr/bin/perl
# lossy-relay.pl - a UDP relay that loses, delays and so reorders
# datagrams, for TFTP tests where tc netem is not available.
#
# usage: lossy-relay.pl [-l LOSS] [-d MS] [-j MS] [-r SEED] [-o HEX,...]
#                       LISTEN_ADDR PORT SERVER_ADDR SERVER_PORT
#
# A client sends its request to LISTEN_ADDR PORT; the relay forwards it
# to the server from a socket of its own for that client.  Each transfer
# ID the server answers from gets its own socket on LISTEN_ADDR, so the
# client sees one peer port per transfer, as TFTP wants.  Every datagram,
# either way, is dropped with probability LOSS percent (default 10), else
# delivered after a random delay of MS to MS+JITTER milliseconds (default
# 2 and 5): datagrams closer together than the jitter overtake each other.
# -o drops chosen datagrams from the client, whatever LOSS says: for each
# HEX in the list, the first datagram that begins with those bytes (and
# was not dropped for an earlier HEX).  "-o 00040005,00040005" drops the
# first two ACKs of block 5.  -r seeds the random numbers.
# Runs until killed; prints one line of counts on SIGTERM.
use strict;
use warnings;
use Getopt::Std;
use IO::Select;
use IO::Socket::IP;
use Socket qw(SOCK_DGRAM);
use Time::HiRes qw(time);

my %o;
getopts('l:d:j:r:o:', \%o) && @ARGV == 4 or do {
	print STDERR "usage: lossy-relay.pl [-l LOSS] [-d MS] [-j MS] ",
	    "[-r SEED] [-o HEX,...] LISTEN_ADDR PORT SERVER_ADDR SERVER_PORT\n";
	exit 2;
};
my ($laddr, $lport, $saddr, $sport) = @ARGV;
my $loss = ($o{l} // 10) / 100;
my $delay = ($o{d} // 2) / 1000;
my $jitter = ($o{j} // 5) / 1000;
srand($o{r}) if defined $o{r};
my @drop = map { pack('H*', $_) } split /,/, $o{o} // '';

my $listen = IO::Socket::IP->new(LocalHost => $laddr, LocalPort => $lport,
    Type => SOCK_DGRAM) or die "lossy-relay.pl: bind $laddr $lport: $@\n";
my $probe = IO::Socket::IP->new(PeerHost => $saddr, PeerPort => $sport,
    Type => SOCK_DGRAM) or die "lossy-relay.pl: $saddr $sport: $@\n";
my $server = $probe->peername;
my $family = $probe->sockdomain;
close $probe;

my $sel = IO::Select->new($listen);
my %up;		# client address -> socket towards the server
my %down;	# upstream fileno . server TID -> socket towards the client
my %info;	# fileno -> { client, up, tid } for both kinds
my @queue;	# [ due time, socket, bytes, destination ], by due time
my %count = (in => 0, dropped => 0);

$SIG{TERM} = sub {
	print "relayed $count{in} datagrams, dropped $count{dropped}\n";
	exit 0;
};

sub later {
	my ($sock, $bytes, $to, $from_client) = @_;
	$count{in}++;
	if ($from_client) {
		for my $i (0 .. $#drop) {
			next if substr($bytes, 0, length $drop[$i]) ne $drop[$i];
			splice @drop, $i, 1;
			$count{dropped}++;
			return;
		}
	}
	if (rand() < $loss) {
		$count{dropped}++;
		return;
	}
	# rand(0) would be rand(1)
	my $due = time + $delay + ($jitter > 0 ? rand($jitter) : 0);
	my $i = @queue;
	$i-- while $i > 0 && $queue[$i - 1][0] > $due;
	splice @queue, $i, 0, [ $due, $sock, $bytes, $to ];
}

sub fresh {
	my (%args) = @_;
	my $s = IO::Socket::IP->new(Type => SOCK_DGRAM, %args)
	    or die "lossy-relay.pl: socket: $@\n";
	$sel->add($s);
	return $s;
}

while (1) {
	my $wait = @queue ? $queue[0][0] - time : undef;
	$wait = 0 if defined $wait && $wait < 0;
	for my $s ($sel->can_read($wait)) {
		my $from = $s->recv(my $buf, 65535, 0);
		next unless defined $from;
		if ($s == $listen) {
			# a request: on to the server's port, from this
			# client's own upstream socket
			my $u = $up{$from} //= do {
				my $n = fresh(Family => $family);
				$info{fileno $n} = { client => $from };
				$n;
			};
			later($u, $buf, $server, 1);
		} elsif (my $d = $info{fileno $s}{tid}) {
			# client to a transfer ID: on to that TID
			later($info{fileno $s}{up}, $buf, $d, 1);
		} else {
			# server to client: through the socket of that TID
			my $key = fileno($s) . $from;
			my $dn = $down{$key} //= do {
				my $n = fresh(LocalHost => $laddr);
				$info{fileno $n} = { up => $s, tid => $from };
				$n;
			};
			later($dn, $buf, $info{fileno $s}{client});
		}
	}
	while (@queue && $queue[0][0] <= time) {
		my ($due, $sock, $bytes, $to) = @{ shift @queue };
		$sock->send($bytes, 0, $to);
	}
}
