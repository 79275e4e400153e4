package server

import (
	"net"
	"sync"
)

// limitListener holds at most n accepted connections open at once: Accept waits until one
// closes. 21,000 half-open connections once exhausted the node's file descriptors (and with them
// its database and webhooks) until the header timeout cleared them; beyond the limit they now
// wait in the kernel's accept backlog, which costs the node no descriptor (--max-conns,
// docs/security.md).
type limitListener struct {
	net.Listener
	slots chan struct{}
	done  chan struct{}
	once  sync.Once
}

// DefaultMaxConns is the bound when the configuration gives none (--max-conns' default).
const DefaultMaxConns = 4096

// limitConns bounds ln to n open connections.
func limitConns(ln net.Listener, n int) net.Listener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

// Accept waits for a free slot, then for a connection.
func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
}

// Close stops the listener, and any Accept waiting for a slot.
func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitedConn gives its slot back once, on its first Close.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
