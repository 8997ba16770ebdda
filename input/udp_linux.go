package input

import (
	"net"
	"syscall"
)

// receiveBuffer returns the receive buffer the kernel granted c, or 0.
// Linux reports twice the usable size (it counts its bookkeeping), so
// the value is halved to compare with what was asked.
func receiveBuffer(c *net.UDPConn) int {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0
	}
	var n int
	var gerr error
	if err := rc.Control(func(fd uintptr) {
		n, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
	}); err != nil || gerr != nil {
		return 0
	}
	return n / 2
}
