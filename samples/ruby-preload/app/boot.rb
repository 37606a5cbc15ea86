# The app: what the preloader requires once. A real app would require its gems and its code
# here (Rails: config/environment.rb); this one pretends to be slow about it.
require "socket"
require "json"

sleep Float(ENV.fetch("BOOT_SECONDS", "1"))
BOOTED_BY = Process.pid

# One worker: acks to kinesin, then answers HTTP on PORT. Every worker binds the port itself
# with SO_REUSEPORT (workers inherit no fd from the preloader), and the kernel spreads
# connections over them.
module Hello
  def self.serve
    $stdout.sync = true
    server = Socket.new(:INET, :STREAM)
    server.setsockopt(:SOCKET, :REUSEADDR, true)
    server.setsockopt(:SOCKET, :REUSEPORT, true)
    server.bind(Addrinfo.tcp("127.0.0.1", Integer(ENV.fetch("PORT", "8080"))))
    server.listen(64)
    me = "worker #{ENV.fetch('KINESIN_INSTANCE')} (pid #{Process.pid}, forked from #{BOOTED_BY})"
    trap("TERM") { puts "#{me}: TERM, bye"; exit 0 }
    ack
    puts "#{me}: listening on #{server.local_address.inspect_sockaddr}"
    loop do
      client, = server.accept
      client.gets
      body = "hello from #{me}\n"
      client.write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: #{body.bytesize}\r\n\r\n#{body}")
      client.close
    end
  end

  # ready: { notify: ack }: one JSON line on the fd kinesin names; flush it, the IO buffers.
  def self.ack
    fd = ENV["KINESIN_STATUS_FD"] or return
    status = IO.for_fd(Integer(fd), autoclose: false)
    status.write(JSON.generate("action" => "ack", "id" => ENV.fetch("KINESIN_WORKER_ID")) + "\n")
    status.flush
  end
end
