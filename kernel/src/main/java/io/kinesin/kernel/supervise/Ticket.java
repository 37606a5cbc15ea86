package io.kinesin.kernel.supervise;

/**
 * Who a readiness channel or a health check speaks for: one spawn of one instance. The pid is
 * set on the loop's thread right after the spawn, before anything reads the channel's messages
 * there; other threads (the sd_notify reader, which checks senders against it) see it once it
 * is set.
 */
public final class Ticket {

    public final String service;
    public final int instance;
    private volatile int pid;

    public Ticket(String service, int instance) {
        this.service = service;
        this.instance = instance;
    }

    public int pid() {
        return pid;
    }

    void pid(int pid) {
        this.pid = pid;
    }

    @Override
    public String toString() {
        return service + "." + instance + "@" + pid;
    }
}
