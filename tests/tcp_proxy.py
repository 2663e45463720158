"""A TCP proxy on loopback whose link can be cut and restored, to take the broker away."""
import socket

import eventlet


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = eventlet.listen(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut_off = False
        self.connections = 0  # accepted and passed on
        self._sockets: set[socket.socket] = set()
        self._server = eventlet.spawn(self._serve)

    def _serve(self) -> None:
        while True:
            client, _ = self.listener.accept()
            if self.cut_off:
                client.close()
                continue
            try:
                upstream = eventlet.connect(self.target)
            except OSError:
                client.close()
                continue
            self.connections += 1
            self._sockets.update((client, upstream))
            stopped: list[socket.socket] = []
            eventlet.spawn(self._pipe, client, upstream, stopped)
            eventlet.spawn(self._pipe, upstream, client, stopped)

    def _pipe(self, source: socket.socket, sink: socket.socket, stopped: list[socket.socket]) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except (OSError, EOFError):  # the link was cut under us
            pass
        finally:
            # Shut both down, which wakes the other direction's pipe; the last of the two closes them.
            # Closing a socket another green thread still waits on leaves its fd's listener behind, and
            # the next socket given that fd number (a database connection, say) fails as a second reader.
            for sock in (source, sink):
                _shut_down(sock)
            stopped.append(source)
            if len(stopped) == 2:
                for sock in (source, sink):
                    self._close(sock)

    def _close(self, sock: socket.socket) -> None:
        self._sockets.discard(sock)
        try:
            sock.close()
        except OSError:
            pass

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self.cut_off = True
        for sock in list(self._sockets):
            _shut_down(sock)  # the pipes see the end and close their sockets

    def restore(self) -> None:
        self.cut_off = False

    def close(self) -> None:
        self.cut()
        eventlet.sleep(0.1)
        self._server.kill()
        self.listener.close()


def _shut_down(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # not connected any more
        pass
