# kinesin's Ruby preloader: loads a service's app once, then forks its workers.
#
# Started by the ruby-preload plugin as `ruby -e BOOTSTRAP` with fd 3 a SOCK_SEQPACKET socket to
# kinesin; the bootstrap reads this program as the first message and evaluates it. Messages
# (each one datagram, at most 64 KiB; replies are plain text):
#
#   kinesin -> {"service":"web","load":"config/environment.rb"}
#   preloader <- "loaded" | "error TEXT" (then it exits 1)
#   kinesin -> {"instance":0,"set":{..},"unset":[..],"fds":[0,1,2,3],"run":"Worker.new.run"}
#              with the fds attached (SCM_RIGHTS), in the order of "fds"
#   preloader <- "pid N" | "error TEXT"
#
# "set" and "unset" turn the environment the preloader was started with into the worker's.
# EOF on the socket (kinesin closed its end) ends the preloader.
require "socket"
require "json"
require "fcntl"

module KinesinPreload
  # Signals whose disposition Ruby reserves (trap raises) or that cannot be caught.
  UNTRAPPABLE = %w[EXIT KILL STOP SEGV BUS ILL FPE VTALRM].freeze
  MAX_MESSAGE = 65_536

  def self.fds
    Dir.children("/proc/self/fd").map(&:to_i).select do |fd|
      File.readlink("/proc/self/fd/#{fd}")
    rescue SystemCallError
      false # the listing's own directory fd, closed by now
    end
  end

  def self.kind(fd)
    File.readlink("/proc/self/fd/#{fd}")
  rescue SystemCallError
    nil
  end

  # Ruby's own fds (its timer thread's eventfds): all a fresh process has beside 0-2 and the
  # link, by number and kind. A worker keeps them, as an exec'd ruby has them: closing them
  # would break Ruby's signal handling.
  RUBY_OWN = (fds - [0, 1, 2, 3]).to_h { |fd| [fd, kind(fd)] }.freeze
  BASE_ENV = ENV.to_h.freeze
  # Signals ignored when the preloader started, before the app: a fresh ruby keeps those
  # ignored, and so does a worker (the app's own traps go back to Ruby's defaults).
  IGNORED_AT_START = begin
    mask = File.foreach("/proc/self/status").find { |l| l.start_with?("SigIgn:") }.split[1].to_i(16)
    Signal.list.select { |_, number| number.positive? && mask[number - 1] == 1 }.keys.freeze
  end

  def self.main
    link = Socket.for_fd(3)
    link.autoclose = false
    config = JSON.parse(receive(link).first)
    service = config.fetch("service")
    $0 = "kinesin-preload: #{service}"
    begin
      require File.expand_path(config.fetch("load"))
    rescue Exception => e # any: a SyntaxError, a LoadError or an exit in the app is a failed load too
      $stderr.write(e.full_message(highlight: false))
      link.sendmsg("error #{e.full_message(highlight: false)}".byteslice(0, MAX_MESSAGE - 1024).scrub)
      exit!(1)
    end
    link.sendmsg("loaded")
    serve(link, service)
  end

  def self.serve(link, service)
    loop do
      message, ios = receive(link)
      break if message.nil?
      begin
        request = JSON.parse(message)
        link.sendmsg("pid #{fork_worker(request, ios, service)}")
      rescue StandardError => e
        link.sendmsg("error #{e.class}: #{e.message}".byteslice(0, MAX_MESSAGE - 1024).scrub)
      ensure
        ios.each { |io| io.close unless io.closed? }
      end
    end
  end

  # One message and the IOs that came with it; nil when kinesin closed its end.
  def self.receive(link)
    data, _, _, *controls = link.recvmsg(MAX_MESSAGE, 0, nil, scm_rights: true)
    ios = controls.select { |c| c.cmsg_is?(:SOCKET, :RIGHTS) }.flat_map(&:unix_rights)
    return [nil, ios] if data.nil? || data.empty?
    [data.force_encoding(Encoding::UTF_8), ios]
  end

  # Double fork: the intermediate child forks the worker and exits at once, so the worker is
  # reparented to kinesin (PID 1 or subreaper), which reaps it like any instance.
  def self.fork_worker(request, ios, service)
    numbers = request.fetch("fds")
    raise ArgumentError, "#{ios.size} fds came for #{numbers.size} numbers" unless ios.size == numbers.size
    clash = numbers & RUBY_OWN.keys
    raise ArgumentError, "fd #{clash.join(', ')} is Ruby's own in the preloader" unless clash.empty?
    raise ArgumentError, "fds #{numbers} lack 0, 1 or 2" unless ([0, 1, 2] - numbers).empty?
    env = BASE_ENV.dup
    request.fetch("unset").each { |name| env.delete(name) }
    env.merge!(request.fetch("set"))
    title = "kinesin-worker: #{service}.#{request.fetch('instance')}"
    app_ios = flush_all
    reader, writer = IO.pipe
    middle = Process.fork do
      reader.close
      worker = Process.fork do
        writer.close
        become_worker(ios, numbers, env, title, app_ios)
        run(request.fetch("run"))
      end
      writer.write("#{worker}\n")
      exit!(0)
    end
    writer.close
    line = reader.gets
    reader.close
    Process.wait(middle)
    raise "the worker could not be forked (the intermediate child #{$?})" if line.nil?
    Integer(line)
  end

  # In the worker: its own session, exactly the fds it was sent at their numbers (and Ruby's
  # own), the environment as given, default signal dispositions.
  def self.become_worker(ios, numbers, env, title, app_ios)
    Process.setsid
    top = [fds.max, numbers.max || 0].max + 1
    high = ios.map do |io|
      fd = io.fcntl(Fcntl::F_DUPFD, top)
      io.close
      fd
    end
    keep = high + RUBY_OWN.select { |fd, was| kind(fd) == was }.keys
    # An IO object whose fd goes is closed (only marked: its fd is closed below), so that code
    # still holding one (a connection made at load) gets IOError, never another file that
    # takes the number.
    app_ios.each do |io|
      next if io.closed? || io.fileno <= 2 || keep.include?(io.fileno)
      io.autoclose = false
      io.close
    rescue IOError, SystemCallError
      next
    end
    # Ruby never closes 0-2 (IO#close leaves them open): they are replaced with dup2 (reopen)
    (fds - keep - [0, 1, 2]).each { |fd| close_fd(fd) }
    numbers.zip(high).sort.each do |number, fd|
      io = IO.for_fd(fd, autoclose: false)
      if number <= 2
        [STDIN, STDOUT, STDERR][number].reopen(io)
      else
        got = io.fcntl(Fcntl::F_DUPFD, number)
        raise "fd #{number} is taken (got #{got})" unless got == number
      end
      close_fd(fd)
    end
    ENV.replace(env)
    Signal.list.each_key do |name|
      next if UNTRAPPABLE.include?(name)
      begin
        trap(name, IGNORED_AT_START.include?(name) ? "IGNORE" : "DEFAULT")
      rescue ArgumentError
        next
      end
    end
    $0 = title
  end

  # Bytes the app buffered in an IO are written once, by the preloader, not by each worker.
  # Returns the open IO objects: the worker closes them without walking its heap itself,
  # which would take long and unshare pages copy-on-write.
  def self.flush_all
    found = []
    ObjectSpace.each_object(IO) do |io|
      next if io.closed?
      found << io
      io.flush
    rescue IOError, SystemCallError
      next # not open for writing, or its reader is gone
    end
    found
  end

  # As `ruby -e RUN` would: an uncaught exception is printed (without the preloader's frames)
  # and exits 1; exit and signals work as ever; returning exits 0.
  def self.run(code)
    TOPLEVEL_BINDING.eval(code, "run", 1)
  rescue Exception => e # any, exit and signals included: only its backtrace is trimmed
    e.set_backtrace(e.backtrace.reject { |frame| frame.start_with?("kinesin-preload:", "-e:") }) if e.backtrace
    raise
  end

  def self.close_fd(fd)
    IO.for_fd(fd).close
  rescue IOError, SystemCallError
    nil
  end
end

KinesinPreload.main
