"""What the wire holds: streams, the stages' consumers, and the dead letters with their errors."""

from __future__ import annotations

import json
from typing import Any

from ..wire.nats import NatsLink

__all__ = ["read_status"]


async def _status(link: NatsLink, dead: int) -> dict[str, Any]:
    from nats.js.errors import NotFoundError

    js = await link.js()
    streams: list[dict[str, Any]] = []
    consumers: list[dict[str, Any]] = []
    for name in (link.events_stream, link.jobs_stream, link.dead_stream):
        try:
            info = await js.stream_info(name)
        except NotFoundError:
            continue
        state = info.state
        streams.append(
            {
                "name": name,
                "subjects": list(info.config.subjects or []),
                "messages": state.messages,
                "bytes": state.bytes,
                "first_seq": state.first_seq,
                "last_seq": state.last_seq,
            }
        )
        if name == link.dead_stream:
            continue
        for consumer in await js.consumers_info(name):
            cfg = consumer.config
            consumers.append(
                {
                    "stream": name,
                    "name": consumer.name,
                    "filter": cfg.filter_subject,
                    "pending": consumer.num_pending or 0,
                    "ack_pending": consumer.num_ack_pending or 0,
                    "redelivered": consumer.num_redelivered or 0,
                    "waiting": consumer.num_waiting or 0,
                    "delivered": consumer.delivered.stream_seq if consumer.delivered else 0,
                    "max_deliver": cfg.max_deliver,
                    "ack_wait": cfg.ack_wait,
                    "max_ack_pending": cfg.max_ack_pending,
                }
            )
    letters: list[dict[str, Any]] = []
    total_dead = 0
    try:
        info = await js.stream_info(link.dead_stream)
        total_dead = info.state.messages
        seq = info.state.last_seq
        while seq >= info.state.first_seq and len(letters) < dead and seq > 0:
            try:
                msg = await js.get_msg(link.dead_stream, seq)
            except NotFoundError:
                seq -= 1
                continue
            letters.append(_letter(msg.data or b""))
            seq -= 1
    except NotFoundError:  # no dead-letter stream yet: no job has been given up
        letters, total_dead = [], 0
    return {
        "url": link.url,
        "prefix": link.prefix,
        "streams": streams,
        "consumers": consumers,
        "dead_letters": total_dead,
        "dead": letters,
    }


def _letter(data: bytes) -> dict[str, Any]:
    try:
        record = json.loads(data)
    except ValueError:
        return {"stage": "?", "error": "an unreadable dead letter", "deliveries": 0}
    if not isinstance(record, dict):
        return {"stage": "?", "error": "an unreadable dead letter", "deliveries": 0}
    return {
        "stage": str(record.get("stage", "?")),
        "error": str(record.get("error", "")),
        "deliveries": int(record.get("deliveries") or 0),
        "at": str(record.get("at", "")),
        "stream_seq": record.get("stream_seq"),
        "job": str(record.get("job", ""))[:500],
    }


def read_status(link: NatsLink, *, dead: int = 20) -> dict[str, Any]:
    """Streams, consumers (pending, redelivered...) and the latest ``dead`` dead letters."""
    return link.run(_status(link, dead))
