package server

import (
	"net"
	"testing"
	"time"
)

// TestListenerHoldsAtMostMaxConns reproduces the half-open connection flood on a small scale:
// clients that connect and send nothing take every slot, and a further connection is not
// accepted (it waits in the backlog, costing no descriptor) until one of them closes.
func TestListenerHoldsAtMostMaxConns(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := limitConns(raw, 3)
	defer ln.Close()
	accepted := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	for i := 0; i < 5; i++ {
		c, err := net.Dial("tcp", raw.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	var held []net.Conn
	for len(held) < 3 {
		select {
		case c := <-accepted:
			held = append(held, c)
		case <-time.After(5 * time.Second):
			t.Fatalf("only %d of 3 connections accepted", len(held))
		}
	}
	select {
	case <-accepted:
		t.Fatal("a fourth connection was accepted with 3 open and a limit of 3")
	case <-time.After(100 * time.Millisecond):
	}
	held[0].Close()
	held[0].Close() // a second Close must not free a second slot
	select {
	case c := <-accepted:
		held = append(held, c)
	case <-time.After(5 * time.Second):
		t.Fatal("no connection accepted after one closed")
	}
	select {
	case <-accepted:
		t.Fatal("closing one connection twice freed two slots")
	case <-time.After(100 * time.Millisecond):
	}
	for _, c := range held[1:] {
		c.Close()
	}
	// Close ends an Accept that waits for a slot.
	done := make(chan struct{})
	go func() { ln.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung")
	}
}
