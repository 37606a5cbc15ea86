# report-signals.pl OUT SIGNAL...: appends the name of each listed signal it receives to OUT,
# one per line, after a first line "ready PID". Runs until a signal it does not handle ends it.
use strict;
use warnings;
use IO::Handle;

my $out = shift;
open(my $o, '>>', $out) or die "$out: $!";
$o->autoflush(1);
for my $s (@ARGV) {
    $SIG{$s} = sub { print $o "$_[0]\n"; };
}
print $o "ready $$\n";
sleep 1 while 1;
