"""The plugin's own gRPC server (plugin/wire) against the real grpcio client, over a real unix
socket, in plaintext (h2c, Terraform with TF_DISABLE_PLUGIN_TLS) and in TLS with a client
certificate that the server pins (go-plugin's AutoMTLS)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import threading
from concurrent import futures

import grpc
import pytest

from cleanroomsml_tf.plugin.wire.grpc import Workers
from tests.support.wire import serve

TIMEOUT = 60  # seconds; only so that a broken server fails a test instead of hanging it
ECHO = "/test.Wire/Echo"


def _echo(request: bytes) -> bytes:
    return request


def _digest(request: bytes) -> bytes:
    return hashlib.sha256(request).digest()


def _mebibyte(request: bytes) -> bytes:
    return bytes(range(256)) * 4096 + request


def _boom(request: bytes) -> bytes:
    raise ValueError(f"cannot read {request.decode()}: ünïcode, 100% sure\nsecond line")


BASIC = {ECHO: _echo, "/test.Wire/Digest": _digest, "/test.Wire/Mebibyte": _mebibyte,
         "/test.Wire/Boom": _boom, "/plugin.GRPCStdio/StreamStdio": lambda request: None}


@pytest.fixture(params=["h2c", "tls"])
def served(request):
    with serve(BASIC, tls=request.param == "tls") as served:
        yield served


def test_unary_calls_carry_raw_bytes_both_ways(served):
    with served.channel() as channel:
        echo = channel.unary_unary(ECHO)
        assert echo(b"\x00\x01hello\xff", timeout=TIMEOUT) == b"\x00\x01hello\xff"
        assert echo(b"", timeout=TIMEOUT) == b""  # an empty message is still one message


def test_a_mebibyte_each_way_passes_the_flow_control_windows(served):
    request = os.urandom(1024 * 1024)
    with served.channel() as channel:
        assert (channel.unary_unary("/test.Wire/Digest")(request, timeout=TIMEOUT)
                == hashlib.sha256(request).digest())
        response = channel.unary_unary("/test.Wire/Mebibyte")(b"!", timeout=TIMEOUT)
        assert response == bytes(range(256)) * 4096 + b"!"
        assert channel.unary_unary(ECHO)(request, timeout=TIMEOUT) == request


def test_two_thousand_sequential_calls_on_one_channel(served):
    with served.channel() as channel:
        echo = channel.unary_unary(ECHO)
        for number in range(2000):
            payload = b"call %d " % number + b"x" * (number % 700)
            assert echo(payload, timeout=TIMEOUT) == payload


def test_an_unknown_method_is_unimplemented_and_the_connection_lives_on(served):
    with served.channel() as channel:
        with pytest.raises(grpc.RpcError) as raised:
            channel.unary_unary("/tfplugin6.Provider/NoSuchMethod")(b"x", timeout=TIMEOUT)
        assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
        assert "/tfplugin6.Provider/NoSuchMethod" in raised.value.details()
        assert channel.unary_unary(ECHO)(b"still here", timeout=TIMEOUT) == b"still here"


def test_an_unknown_bidirectional_stream_is_refused_while_the_client_still_sends(served):
    release = threading.Event()

    def requests():
        yield b"first"
        release.wait(TIMEOUT)  # the client's side stays open until the answer came

    with served.channel() as channel:
        call = channel.stream_stream("/plugin.GRPCBroker/StartStream")(requests(),
                                                                       timeout=TIMEOUT)
        with pytest.raises(grpc.RpcError) as raised:
            list(call)
        assert raised.value.code() == grpc.StatusCode.UNIMPLEMENTED
        # The client's side is still open, yet stop() finds no call left open.
        assert served.server.stop(TIMEOUT)
        release.set()


def test_a_raising_handler_answers_internal_with_its_message(served):
    with served.channel() as channel:
        with pytest.raises(grpc.RpcError) as raised:
            channel.unary_unary("/test.Wire/Boom")(b"model-7", timeout=TIMEOUT)
        assert raised.value.code() == grpc.StatusCode.INTERNAL
        # Percent-encoded on the wire, decoded by the client: the text arrives intact.
        assert raised.value.details() == (
            "ValueError: cannot read model-7: ünïcode, 100% sure\nsecond line")
        assert channel.unary_unary(ECHO)(b"next", timeout=TIMEOUT) == b"next"


def test_a_streaming_call_that_sends_no_message_ends_ok(served):
    with served.channel() as channel:
        call = channel.unary_stream("/plugin.GRPCStdio/StreamStdio")(b"", timeout=TIMEOUT)
        assert list(call) == []
        assert call.code() == grpc.StatusCode.OK


def test_two_hundred_calls_run_at_once(served):
    """Every handler waits until all 200 are running: a server that capped concurrency below
    200 would never get there (the calls would then fail on the 60 s timeout)."""
    calls = 200
    running = 0
    lock = threading.Lock()
    all_running = threading.Event()

    def wait_for_all(request: bytes) -> bytes:
        nonlocal running
        with lock:
            running += 1
            if running == calls:
                all_running.set()
        assert all_running.wait(TIMEOUT)
        return request * 2

    with serve({"/test.Wire/Wait": wait_for_all}, tls=served.tls) as wide, \
            wide.channel() as channel:
        method = channel.unary_unary("/test.Wire/Wait")
        pending = [method.future(b"%d," % n, timeout=TIMEOUT) for n in range(calls)]
        results = [call.result() for call in pending]
    assert results == [b"%d,%d," % (n, n) for n in range(calls)]
    assert running == calls


def test_stop_waits_for_a_running_call_and_its_response_arrives(served):
    entered, release = threading.Event(), threading.Event()

    def slow(request: bytes) -> bytes:
        entered.set()
        assert release.wait(TIMEOUT)
        return b"done:" + request

    with serve({"/test.Wire/Slow": slow}, tls=served.tls) as slow_server, \
            slow_server.channel() as channel:
        call = channel.unary_unary("/test.Wire/Slow").future(b"1", timeout=TIMEOUT)
        assert entered.wait(TIMEOUT)
        stopped = []
        stopper = threading.Thread(target=lambda: stopped.append(slow_server.server.stop(TIMEOUT)))
        stopper.start()
        stopper.join(0.3)
        assert stopper.is_alive()  # the handler is still blocked, so stop cannot have returned
        release.set()
        assert call.result() == b"done:1"
        stopper.join(TIMEOUT)
        assert stopped == [True]
        assert slow_server.server.active_calls == 0
        with slow_server.channel() as late, pytest.raises(grpc.RpcError) as raised:
            late.unary_unary("/test.Wire/Slow")(b"2", timeout=5)
        assert raised.value.code() == grpc.StatusCode.UNAVAILABLE  # no longer accepting


def test_a_client_that_leaves_mid_call_is_no_error(served):
    """The client goes away while its call runs: the response cannot be written, which is
    logged at debug level; no thread dies with an exception, and the call is counted out."""
    entered, release = threading.Event(), threading.Event()
    thread_errors: list[object] = []

    def slow(request: bytes) -> bytes:
        entered.set()
        assert release.wait(TIMEOUT)
        return request

    original_hook = threading.excepthook
    threading.excepthook = thread_errors.append
    try:
        with serve({"/test.Wire/Slow": slow}, tls=served.tls) as slow_server:
            channel = slow_server.channel()
            call = channel.unary_unary("/test.Wire/Slow").future(b"x" * 100_000,
                                                                 timeout=TIMEOUT)
            assert entered.wait(TIMEOUT)
            channel.close()
            with pytest.raises(grpc.RpcError):
                call.result()
            release.set()
            assert slow_server.server.stop(TIMEOUT)
    finally:
        threading.excepthook = original_hook
    assert thread_errors == []


def test_tls_refuses_a_client_with_another_certificate():
    with serve(BASIC, tls=True) as served:
        for channel in (served.channel("someone-else"), served.channel(certificate=False)):
            with channel, pytest.raises(grpc.RpcError) as raised:
                channel.unary_unary(ECHO)(b"let me in", timeout=TIMEOUT)
            assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
        with served.channel() as channel:  # the right client still gets through
            assert channel.unary_unary(ECHO)(b"ok", timeout=TIMEOUT) == b"ok"


def test_the_tls_certificate_files_do_not_outlive_loading():
    with serve(BASIC, tls=True) as served:
        assert os.listdir(served.directory) == ["p.sock"]


SHUTDOWN_CHILD = textwrap.dedent("""
    import os, socket, sys, threading, time
    from cleanroomsml_tf.plugin.wire.grpc import GrpcServer

    stopping = threading.Event()

    def shutdown(request):
        stopping.set()
        time.sleep(0.3)  # main is already in stop(): the reply must still get out
        return b"bye"

    listener = socket.socket(socket.AF_UNIX)
    listener.bind(sys.argv[1])
    server = GrpcServer({"/plugin.GRPCController/Shutdown": shutdown})
    server.start(listener)
    print("ready", flush=True)
    stopping.wait()
    finished = server.stop(5.0)
    os._exit(0 if finished else 3)
""")


def test_the_shutdown_reply_is_on_the_wire_before_a_fast_exit(tmp_path):
    """The plugin's exit path: a Shutdown call sets an event, main stops the server and ends
    the process at once with os._exit; the client still gets the reply."""
    socket_path = str(tmp_path / "s.sock")
    child = subprocess.Popen([sys.executable, "-c", SHUTDOWN_CHILD, socket_path],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert child.stdout.readline() == b"ready\n"
        with grpc.insecure_channel("unix:" + socket_path) as channel:
            reply = channel.unary_unary("/plugin.GRPCController/Shutdown")(b"", timeout=TIMEOUT)
        assert reply == b"bye"
        assert child.wait(TIMEOUT) == 0
        assert b"Traceback" not in child.stderr.read()
    finally:
        child.kill()
        child.wait()


def test_concurrent_channels_each_get_their_own_answers(served):
    channels = [served.channel() for _ in range(4)]
    try:
        with futures.ThreadPoolExecutor(8) as pool:
            jobs = [pool.submit(channels[n % 4].unary_unary(ECHO), b"%d" % n, timeout=TIMEOUT)
                    for n in range(400)]
            assert [job.result() for job in jobs] == [b"%d" % n for n in range(400)]
    finally:
        for channel in channels:
            channel.close()


def _wait_until(condition, timeout: float = TIMEOUT) -> bool:
    done = threading.Event()
    while not condition():
        if done.wait(0.01) or timeout <= 0:
            return False
        timeout -= 0.01
    return True


def test_call_threads_are_reused_when_idle_and_never_capped():
    workers = Workers()
    release = threading.Event()
    running = threading.Semaphore(0)

    def task() -> None:
        running.release()
        assert release.wait(TIMEOUT)

    for _ in range(3):
        workers.submit(task)
    for _ in range(3):  # all three run at once: a busy thread never delays a new task
        assert running.acquire(timeout=TIMEOUT)
    assert workers.started == 3
    release.set()
    assert _wait_until(lambda: workers.idle == 3)
    for _ in range(3):
        workers.submit(task)
    for _ in range(3):
        assert running.acquire(timeout=TIMEOUT)
    assert workers.started == 3  # the idle threads took the new tasks


def test_idle_call_threads_end_after_their_idle_time():
    workers = Workers(idle_seconds=0.05)
    ran_on: list[threading.Thread] = []
    workers.submit(lambda: ran_on.append(threading.current_thread()))
    assert _wait_until(lambda: ran_on and not ran_on[0].is_alive())
    assert workers.idle == 0


def test_call_threads_are_not_churned_by_back_to_back_calls():
    """Ten callers, each submitting its next task as soon as its last one signalled: a thread
    woken for a task that another thread took first waits again instead of ending, so the
    pool stays at most two threads per caller (one finishing, one running) instead of
    starting threads over and over."""
    workers = Workers()
    rounds, callers = 300, 10

    def caller() -> None:
        for _ in range(rounds):
            done = threading.Event()
            workers.submit(done.set)
            assert done.wait(TIMEOUT)

    threads = [threading.Thread(target=caller) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    assert 1 <= workers.started <= 2 * callers
    assert _wait_until(lambda: workers.idle == workers.started)  # none ended; all idle now


def test_a_task_that_arrives_as_an_idle_thread_times_out_still_runs():
    workers = Workers(idle_seconds=0.001)
    for _ in range(200):  # submits land around the idle time running out
        done = threading.Event()
        workers.submit(done.set)
        assert done.wait(TIMEOUT)
        threading.Event().wait(0.001)


class _TlsFrames:
    """A TLS client over an ``SSLObject``, so that several TLS records can leave in one socket
    write (grpc-go and grpcio do that under load), speaking raw HTTP/2 frames."""

    def __init__(self, served, tmp_path) -> None:
        import socket
        import ssl

        from tests.support.wire import identity

        client = identity("terraform")
        chain = tmp_path / "client.pem"
        chain.write_bytes(client.key_pem + client.cert_pem)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.load_cert_chain(str(chain))
        context.load_verify_locations(cadata=identity("server").cert_pem.decode())
        context.set_alpn_protocols(["h2"])
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = context.wrap_bio(self.incoming, self.outgoing, server_hostname="localhost")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect(served.socket_path)
        self.plain = b""
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self.sock.sendall(self.outgoing.read())
                self._feed()
        self.sock.sendall(self.outgoing.read())

    def _feed(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            self.incoming.write_eof()
            return False
        self.incoming.write(data)
        return True

    def send_records(self, *records: bytes) -> None:
        """Each of ``records`` as a TLS record of its own, all in one socket write."""
        for record in records:
            self.tls.write(record)
        self.sock.sendall(self.outgoing.read())

    def read_frame(self) -> tuple[int, int, int, bytes]:
        import ssl

        while len(self.plain) < 9 or len(self.plain) < 9 + int.from_bytes(self.plain[:3]):
            try:
                self.plain += self.tls.read(65536)
            except ssl.SSLWantReadError:
                if not self._feed():
                    raise EOFError from None
            except ssl.SSLZeroReturnError:
                raise EOFError from None
        length = int.from_bytes(self.plain[:3])
        frame_type, flags = self.plain[3], self.plain[4]
        stream_id = int.from_bytes(self.plain[5:9]) & 0x7FFFFFFF
        payload, self.plain = self.plain[9:9 + length], self.plain[9 + length:]
        return frame_type, flags, stream_id, payload


def test_tls_records_that_arrive_together_are_all_read(tmp_path):
    """The preface, SETTINGS and 30 requests (HEADERS and DATA each a TLS record of its own)
    in one socket write: every request is answered (a record left unread would stall)."""
    from cleanroomsml_tf.plugin.wire import hpack, http2
    from cleanroomsml_tf.plugin.wire.grpc import frame_message

    with serve(BASIC, tls=True) as served:
        client = _TlsFrames(served, tmp_path)
        block = hpack.Encoder().encode([
            (":method", "POST"), (":scheme", "https"), (":path", ECHO),
            (":authority", "localhost"), ("content-type", "application/grpc")])
        records = [http2.PREFACE, http2.frame(http2.SETTINGS, 0, 0)]
        for stream_id in range(1, 61, 2):
            records.append(http2.frame(http2.HEADERS, http2.END_HEADERS, stream_id, block))
            records.append(http2.frame(http2.DATA, http2.END_STREAM, stream_id,
                                       frame_message(b"call %d" % stream_id)))
        client.send_records(*records)
        bodies: dict[int, bytes] = {}
        ended: set[int] = set()
        decoder = hpack.Decoder()
        while len(ended) < 30:
            frame_type, flags, stream_id, payload = client.read_frame()
            if frame_type == http2.DATA:
                bodies[stream_id] = payload
            elif frame_type == http2.HEADERS:
                headers = decoder.decode(payload)
                if flags & http2.END_STREAM:
                    assert dict(headers)["grpc-status"] == "0"
                    ended.add(stream_id)
        assert bodies == {sid: frame_message(b"call %d" % sid) for sid in range(1, 61, 2)}
        client.sock.close()


def test_a_tls_close_notify_ends_the_connection_while_the_socket_stays_open(tmp_path):
    import ssl

    from cleanroomsml_tf.plugin.wire import http2

    with serve(BASIC, tls=True) as served:
        client = _TlsFrames(served, tmp_path)
        client.send_records(http2.PREFACE + http2.frame(http2.SETTINGS, 0, 0))
        with pytest.raises(ssl.SSLWantReadError):
            client.tls.unwrap()  # sends close_notify; the socket itself stays open
        client.sock.sendall(client.outgoing.read())
        while client.sock.recv(65536):  # the server's SETTINGS and ACK, then its close
            pass  # (a server still waiting for data would time this out instead)
        client.sock.close()
