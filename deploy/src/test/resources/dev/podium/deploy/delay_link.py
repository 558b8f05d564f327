"""A slow, lossy wire between two network interfaces, for NetLab.

This machine's kernel has no `tc netem`, which is how Linux would normally add delay, jitter and
loss to a link, and its nftables has no `queue` statement to hand packets to a program. So NetLab
takes the faulty host's veth out of the bridge and puts this program between the two: it reads
every Ethernet frame arriving on one interface and writes it to the other once its delay has
passed (`delay_ms` plus or minus up to `jitter_ms`, uniformly), dropping `loss_pct` percent of them
at random. Frames keep their order in each direction, as on a real wire (a later frame never
overtakes an earlier one, so jitter stretches gaps rather than reordering). Frames from or to
`exempt_ip` (the lab's bridge, where the test's clients sit) pass at once: the fault is on the
host's links to the other hosts, not on its clients.

Usage: delay_link.py IFACE_A IFACE_B DELAY_MS JITTER_MS LOSS_PCT EXEMPT_IP
Runs until one of the interfaces disappears, or until SIGTERM, on which it first writes out every
frame it holds (in order, at once): a link that heals delivers what was on the wire rather than
losing it, which would cost every TCP connection a retransmission time-out of a second or more.
Needs root (raw packet sockets).
"""

import heapq
import random
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
MAX_FRAME = 65536


def open_raw(interface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8 << 20)
    s.bind((interface, 0))
    s.setblocking(False)
    return s


def is_exempt(frame, exempt):
    # IPv4 only: its source address is at bytes 26-29, its destination at 30-33.
    return len(frame) >= 34 and frame[12:14] == b"\x08\x00" and (
        frame[26:30] == exempt or frame[30:34] == exempt
    )


class Stop(Exception):
    """SIGTERM: the link heals."""


def stop(*_):
    raise Stop()


def main():
    a_name, b_name = sys.argv[1], sys.argv[2]
    delay = float(sys.argv[3]) / 1000.0
    jitter = float(sys.argv[4]) / 1000.0
    loss = float(sys.argv[5]) / 100.0
    exempt = socket.inet_aton(sys.argv[6])
    signal.signal(signal.SIGTERM, stop)

    a, b = open_raw(a_name), open_raw(b_name)
    other = {a: b, b: a}
    # The time the last frame in each direction is due, so frames keep their order.
    last_due = {a: 0.0, b: 0.0}
    due = []  # (time due, sequence, socket to write to, frame)
    poller = select.poll()
    poller.register(a, select.POLLIN)
    poller.register(b, select.POLLIN)

    try:
        carry(a, b, other, last_due, due, poller, delay, jitter, loss, exempt)
    except Stop:
        while due:
            _, _, out, frame = heapq.heappop(due)
            try:
                out.send(frame)
            except OSError:
                pass


def carry(a, b, other, last_due, due, poller, delay, jitter, loss, exempt):
    sequence = 0
    while True:
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, _, out, frame = heapq.heappop(due)
            try:
                out.send(frame)
            except OSError:
                pass  # a frame the interface will not take (too big, queue full): lost
        timeout = None if not due else max(0, int((due[0][0] - now) * 1000) + 1)
        for fd, _ in poller.poll(timeout):
            source = a if fd == a.fileno() else b
            for _ in range(256):
                try:
                    frame, address = source.recvfrom(MAX_FRAME)
                except BlockingIOError:
                    break
                if address[2] == PACKET_OUTGOING:
                    continue  # what this program itself wrote on the interface
                target = other[source]
                if is_exempt(frame, exempt):
                    try:
                        target.send(frame)
                    except OSError:
                        pass
                    continue
                if random.random() < loss:
                    continue
                at = max(time.monotonic() + delay + random.uniform(-jitter, jitter), last_due[source])
                last_due[source] = at
                sequence += 1
                heapq.heappush(due, (at, sequence, target, frame))


if __name__ == "__main__":
    try:
        main()
    except OSError as e:
        # An interface went away (the lab was healed or removed): nothing left to carry.
        print("delay_link: " + str(e), file=sys.stderr)
