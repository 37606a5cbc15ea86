# Plays kinesin's part for the preloader, for PreloaderProgramTest: makes itself a subreaper
# (so workers are reparented to it, as to kinesin), starts the preloader as the plugin does
# (`ruby -e BOOTSTRAP`, fd 3 a SOCK_SEQPACKET socket, the program as the first message) and
# then follows one JSON command per line on stdin, answering one JSON line on stdout each.
#
# usage: ruby driver.rb RUBY BOOTSTRAP PRELOADER_RB
require "socket"
require "json"
require "fiddle"
require "timeout"

ruby, bootstrap, program = ARGV
prctl = Fiddle::Function.new(Fiddle.dlopen(nil)["prctl"], [Fiddle::TYPE_INT, Fiddle::TYPE_LONG, Fiddle::TYPE_LONG,
                                                           Fiddle::TYPE_LONG, Fiddle::TYPE_LONG], Fiddle::TYPE_INT)
raise "prctl(PR_SET_CHILD_SUBREAPER) failed" unless prctl.call(36, 1, 0, 0, 0).zero?
$stdout.sync = true
# the preloader starts with WINCH ignored, as a parent may leave a signal ignored (nohup: HUP)
trap("WINCH", "IGNORE")

link = nil
preloader = nil
acks = {}

def wait_for(pid, seconds)
  Timeout.timeout(seconds) { Process.wait2(pid).last }
rescue Timeout::Error
  nil
end

def status_of(status)
  return { "timeout" => true } if status.nil?
  status.signaled? ? { "signal" => Signal.signame(status.termsig) } : { "code" => status.exitstatus }
end

def reply(link, seconds)
  return { "reply" => nil } unless IO.select([link], nil, nil, seconds)
  data = link.recv(65_536)
  { "reply" => data.empty? ? nil : data.force_encoding(Encoding::UTF_8) }
end

$stdin.each_line do |line|
  command = JSON.parse(line)
  answer =
    case command.fetch("op")
    when "start"
      link, theirs = Socket.pair(:UNIX, :SEQPACKET)
      log = File.open(command.fetch("log"), "a")
      preloader = Process.spawn(command.fetch("env"), ruby, "-e", bootstrap, unsetenv_others: true,
                                chdir: command.fetch("dir"), in: "/dev/null", out: log, err: log, 3 => theirs,
                                pgroup: true)
      theirs.close
      log.close
      link.sendmsg(File.read(program))
      link.sendmsg(JSON.generate("service" => command.fetch("service"), "load" => command.fetch("load")))
      { "pid" => preloader }.merge(reply(link, 20))
    when "fork"
      mine, theirs = Socket.pair(:UNIX, :STREAM)
      out = File.open(command.fetch("out"), "a")
      sent = [File.open("/dev/null"), out, out, theirs]
      sent << File.open("/dev/null") if command["extra"] # one fd more than the request names
      link.sendmsg(command.fetch("request"), 0, nil, Socket::AncillaryData.unix_rights(*sent))
      sent.each(&:close)
      answer = reply(link, 20)
      acks[answer["reply"].split.last.to_i] = mine if answer["reply"]&.start_with?("pid ")
      answer
    when "talk" # a line to a worker's fd 3 (if given), and the line it writes there
      socket = acks.fetch(command.fetch("pid"))
      socket.write(command.fetch("line") + "\n") if command["line"]
      ready = IO.select([socket], nil, nil, 20)
      { "line" => ready && socket.gets }
    when "ps" # a process's parent and its command line as ps shows it
      pid = command.fetch("pid")
      { "ppid" => File.read("/proc/#{pid}/stat").split(") ").last.split[1].to_i,
        "cmdline" => File.read("/proc/#{pid}/cmdline").tr("\0", " ").strip }
    when "signal"
      Process.kill(command.fetch("signal"), command.fetch("pid"))
      {}
    when "wait"
      status_of(wait_for(command.fetch("pid"), 20))
    when "close"
      link.close
      status_of(wait_for(preloader, 20))
    when "me" # the driver's pid and the signals it ignores (the preloader starts with them)
      { "pid" => Process.pid, "sigign" => File.read("/proc/self/status")[/^SigIgn:\s*(\h+)/, 1] }
    end
  puts JSON.generate(answer)
end
