#!/usr/bin/perl
# udpsend.pl - send hand-made UDP datagrams and show what comes back: the
# packets no real TFTP client would send, and a bare reader that keeps the
# bytes of the wire (netascii as sent, not as decoded).
#
# usage: udpsend.pl [-w SECS] [-n COUNT] [-k] [-s] [-g FILE] HOST PORT
#                   PACKET...
#
# Each PACKET argument is one datagram, written as tokens separated by
# blanks (an empty argument is an empty datagram):
#   0001ab     bytes in hex, an even number of digits
#   =text      the bytes of text as they are (no NUL added)
#   41*300     hex bytes repeated, here 300 bytes 0x41
# An argument +SECS is no datagram but a pause before sending the next
# one (with -s: after its reply came).
# The datagrams go out in order from one socket.  Each reply that arrives
# within SECS seconds (default 1) of the last sending is printed on a line
# of its own:  PORT HEX  (the sender's port, the bytes).
#   -n COUNT  stop after COUNT replies (default 1; 0: until the timeout)
#   -s        lockstep: before each datagram after the first, wait (SECS
#             at most) for a reply, print it, and send the datagram to the
#             port that reply came from (the transfer ID); no reply ends
#             the run with status 1
#   -k        answer a DATA or OACK reply with ERROR 0, so that the
#             transfer it opened does not linger in the server
#   -g FILE   be a reader: ACK the OACK (block 0) and each DATA of the
#             first transfer ID, until a block shorter than the blksize
#             (512 unless the OACK says otherwise); the payload goes to
#             FILE, the packets are not printed, except an ERROR;
#             there SECS is the longest silence tolerated.
# Exit status: 0 a reply came (with -g: the whole file), 1 none did (with
# -g: the transfer failed), 2 usage error.
use strict;
use warnings;
use Getopt::Std;
use IO::Select;
use IO::Socket::IP;
use Time::HiRes qw(time);
use Socket qw(SOCK_DGRAM);

$| = 1;		# lines are read while this still runs
my %o;
sub usage {
	print STDERR "usage: udpsend.pl [-w SECS] [-n COUNT] [-k] [-s] ",
	    "[-g FILE] HOST PORT PACKET...\n";
	exit 2;
}
getopts('w:n:ksg:', \%o) or usage();
@ARGV >= 3 or usage();
my ($host, $port, @spec) = @ARGV;
my $wait = $o{w} // 1;
my $count = $o{n} // 1;
($wait =~ /^\d+(\.\d+)?$/ && $count =~ /^\d+$/ && $port =~ /^\d+$/)
    or usage();

sub packet {
	my ($text) = @_;
	my $bytes = '';
	for my $tok (split ' ', $text) {
		if ($tok =~ /^=(.*)$/s) {
			$bytes .= $1;
		} elsif ($tok =~ /^((?:[0-9a-fA-F]{2})+)(?:\*(\d+))?$/) {
			$bytes .= pack('H*', $1) x ($2 // 1);
		} else {
			print STDERR "udpsend.pl: bad token '$tok'\n";
			exit 2;
		}
	}
	return $bytes;
}
my @packets = map { /^\+(\d+(?:\.\d+)?)$/ ? { pause => $1 } : packet($_) }
    @spec;

my $sock = IO::Socket::IP->new(PeerHost => $host, PeerPort => $port,
    Type => SOCK_DGRAM) or die "udpsend.pl: socket: $@\n";
# connected only to learn the family and the address; replies come from
# other ports (each transfer has its own), so receive unconnected
my $peer = $sock->peername;
$sock = IO::Socket::IP->new(Family => $sock->sockdomain, Type => SOCK_DGRAM)
    or die "udpsend.pl: socket: $@\n";
my $sel = IO::Select->new($sock);

sub port_of {
	my ($sa) = @_;
	# sin_port and sin6_port both sit at bytes 2-3, in network order
	return unpack('n', substr($sa, 2, 2));
}

sub send_to {
	my ($to, $bytes) = @_;
	defined $sock->send($bytes, 0, $to) or die "udpsend.pl: send: $!\n";
}

my $out;
if (defined $o{g}) {
	open($out, '>', $o{g}) or die "udpsend.pl: $o{g}: $!\n";
	binmode $out;
}

my ($got, $tid, $blksize, $next) = (0, undef, 512, 1);
my ($to, $sent, $pause) = ($peer, 0, 0);
for my $p (@packets) {
	if (ref $p) {
		$pause += $p->{pause};
		next;
	}
	if ($o{s} && $sent++) {
		$sel->can_read($wait) or exit 1;
		$to = $sock->recv(my $buf, 65535, 0);
		defined $to or die "udpsend.pl: recv: $!\n";
		printf "%d %s\n", port_of($to), unpack('H*', $buf);
		$got++;
	}
	select(undef, undef, undef, $pause) if $pause;
	$pause = 0;
	send_to($to, $p);
}

my $deadline = time + $wait;
while (!$count || $got < $count) {
	my $left = defined $o{g} ? $wait : $deadline - time;
	last if $left <= 0 || !$sel->can_read($left);
	my $from = $sock->recv(my $buf, 65535, 0);
	defined $from or die "udpsend.pl: recv: $!\n";
	my $op = length($buf) >= 2 ? unpack('n', $buf) : -1;
	if (!defined $o{g}) {
		printf "%d %s\n", port_of($from), unpack('H*', $buf);
		$got++;
		send_to($from, pack('nnZ*', 5, 0, 'done'))
		    if $o{k} && ($op == 3 || $op == 6);
		last if $count && $got >= $count;
		next;
	}
	# reader mode: keep to the first transfer ID, as a client must
	$tid //= $from;
	next if $from ne $tid;
	if ($op == 5) {
		printf "%d %s\n", port_of($from), unpack('H*', $buf);
		exit 1;
	} elsif ($op == 6) {
		my @kv = split /\0/, substr($buf, 2), -1;
		for (my $i = 0; $i + 1 < @kv; $i += 2) {
			$blksize = $kv[$i + 1] if lc $kv[$i] eq 'blksize';
		}
		send_to($from, pack('nn', 4, 0));
	} elsif ($op == 3 && length($buf) >= 4) {
		my $blk = unpack('n', substr($buf, 2, 2));
		if ($blk == ($next & 0xffff)) {
			print $out substr($buf, 4);
			$next++;
		}
		send_to($from, pack('nn', 4, $blk));
		if ($blk == (($next - 1) & 0xffff) &&
		    length($buf) - 4 < $blksize) {
			close($out) or die "udpsend.pl: $o{g}: $!\n";
			exit 0;
		}
	}
}
exit(defined $o{g} ? 1 : $got ? 0 : 1);
