"""The action server's endpoint keeps one HTTP connection alive across calls, and survives a restart."""

from __future__ import annotations

from aiohttp import web

from bot.rasa.action_endpoint import KeepAliveEndpoint
from bot.rasa.action_server import free_port


async def _server(port: int, peers: list[object]) -> web.AppRunner:
    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername") if request.transport else None)
        return web.json_response({"events": [], "responses": [], "echo": (await request.json())["n"]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def test_calls_share_one_connection_and_a_restarted_server_is_reached_again():
    port, peers = free_port(), []
    endpoint = KeepAliveEndpoint(url=f"http://127.0.0.1:{port}/webhook")
    runner = await _server(port, peers)
    try:
        answers = [await endpoint.request(json={"n": n}, method="post") for n in range(5)]
        assert [a["echo"] for a in answers] == list(range(5))
        assert len(peers) == 5 and len(set(peers)) == 1, peers  # Rasa's own endpoint: 5 connections
    finally:
        await runner.cleanup()
    runner = await _server(port, peers)  # the action server restarted on its port
    try:
        assert (await endpoint.request(json={"n": 7}, method="post"))["echo"] == 7
    finally:
        await runner.cleanup()
        await endpoint.close()
    assert endpoint._kept is None
