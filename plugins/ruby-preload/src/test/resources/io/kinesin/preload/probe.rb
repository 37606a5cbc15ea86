# A test app for the preloader: counts its loads in $LOADS, and leaves signal dispositions
# behind that its workers must not inherit.
File.open(ENV.fetch("LOADS"), "a") { |f| f.puts(Process.pid) }
trap("HUP", "IGNORE")
trap("TERM") {}
trap("USR1") {}
require "json"
# a file the app keeps open, with bytes still in its buffer when workers are forked
$applog = File.open(ENV.fetch("APPLOG"), "a")
$applog.write("written at load\n")

module Probe
  # What a worker finds itself to be.
  def self.facts
    status = File.read("/proc/self/status").lines.to_h { |l| l.split(":", 2).map(&:strip) }
    fds = Dir.children("/proc/self/fd").to_h do |fd|
      [fd, (File.readlink("/proc/self/fd/#{fd}") rescue nil)]
    end
    { pid: Process.pid, sid: Process.getsid, pgrp: Process.getpgrp, env: ENV.to_h, fds: fds.compact,
      sigign: status["SigIgn"], sigblk: status["SigBlk"], applog_closed: $applog.closed? }
  end

  # Writes its facts on fd 3, then evaluates the line it reads there.
  def self.serve
    link = IO.for_fd(3, autoclose: false)
    link.puts(JSON.generate(facts))
    line = link.gets
    eval(line, TOPLEVEL_BINDING) if line
  end
end
