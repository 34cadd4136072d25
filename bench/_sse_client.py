"""The stream side of bench/dispatch.py: one asyncio process holding every SSE stream.

Reads a JSON list of streams ({"host", "cookie", "tenant"}) on stdin's first line, opens
them all against 127.0.0.1:<port>, prints "ready <n>" once each has its first frame, then
notes the wall-clock time of every `event: notification` frame. A line "stop" on stdin
ends it: it prints one JSON object {"events": [[stream, tenant, time], ...], ...}.
Run in its own process so that reading 600 sockets never shares a GIL with the server
or the sender it measures.
"""

import asyncio
import json
import sys
import time

MARKER = b"event: notification"


async def _open(port: int, index: int, stream: dict, state: dict) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            "GET /events/stream/ HTTP/1.1\r\n"
            f"Host: {stream['host']}\r\n"
            "Accept: text/event-stream\r\n"
            f"Cookie: {stream['cookie']}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        state["refused"].append([index, status.decode().strip()])
        state["pending"] -= 1
        _maybe_ready(state)
        return
    buffer = b""
    first = True
    while True:
        chunk = await reader.read(65536)
        if not chunk:
            state["closed"] += 1
            return
        received = time.time()
        if first and b"retry:" in chunk:
            first = False
            state["pending"] -= 1
            _maybe_ready(state)
        # uvicorn writes each SSE frame as one chunk; keep a tail in case one splits.
        buffer = buffer[-len(MARKER) :] + chunk
        for _hit in range(buffer.count(MARKER)):
            state["events"].append([index, stream["tenant"], received])
        if MARKER in buffer:
            buffer = b""


def _maybe_ready(state: dict) -> None:
    if state["pending"] == 0 and not state["ready"].done():
        state["ready"].set_result(None)


async def main() -> None:
    port = int(sys.argv[1])
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader(limit=1 << 24)  # 600 streams make a long first line
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    streams = json.loads(await stdin.readline())
    state = {
        "pending": len(streams),
        "ready": loop.create_future(),
        "events": [],
        "refused": [],
        "closed": 0,
    }
    started = time.perf_counter()
    tasks = []
    # Connect in waves: a burst of 600 SYNs at once overflows nothing, but 600 session
    # look-ups queue behind one another in the server either way.
    for index, stream in enumerate(streams):
        tasks.append(asyncio.create_task(_open(port, index, stream, state)))
        if index % 50 == 49:
            await asyncio.sleep(0.05)
    await state["ready"]
    print(f"ready {len(streams) - len(state['refused'])} {time.perf_counter() - started:.2f}")
    sys.stdout.flush()
    while (line := (await stdin.readline()).decode().strip()) != "stop":
        if not line:
            break
    for task in tasks:
        task.cancel()
    print(json.dumps({k: state[k] for k in ("events", "refused", "closed")}))
    sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main())
