"""A small TCP round-robin proxy standing in for nginx on this machine (bench/topology.py): each client connection
goes to the next backend that accepts it, so a killed `sxq serve` process is skipped until it is back. Works for
HTTP keep-alive and WebSocket upgrades alike (it copies bytes).

    python bench/proxy.py --listen 127.0.0.1:8080 --backend 127.0.0.1:8001 --backend 127.0.0.1:8002
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def serve(listen: tuple[str, int], backends: list[tuple[str, int]]) -> None:
    turn = itertools.cycle(range(len(backends)))

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        first = next(turn)
        for i in range(len(backends)):
            host, port = backends[(first + i) % len(backends)]
            try:
                up_r, up_w = await asyncio.wait_for(asyncio.open_connection(host, port), 2)
                break
            except (OSError, TimeoutError):
                continue
        else:
            client_w.write(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            with contextlib.suppress(Exception):
                await client_w.drain()
                client_w.close()
            return
        await asyncio.gather(_pipe(client_r, up_w), _pipe(up_r, client_w))

    server = await asyncio.start_server(handle, *listen, backlog=512)
    async with server:
        await server.serve_forever()


def _addr(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--listen", required=True)
    ap.add_argument("--backend", action="append", required=True)
    args = ap.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(_addr(args.listen), [_addr(b) for b in args.backend]))


if __name__ == "__main__":
    main()
