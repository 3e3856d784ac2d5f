"""A small shop built the way our users build theirs, run under the official instrumentations:
FastAPI services, SQLAlchemy over SQLite, httpx calls from one service to another, and Redis.
Each route plants one pattern the insight detectors must find, and /health plants none:

  /orders           lists the orders, then reads each order's items by a lazy relationship (N+1 DB)
  /orders/1/stock   asks the inventory service about each item, one GET per item (N+1 HTTP)
  /prices           reads each item's price from Redis, one GET per item (N+1 cache)
  /checkout         awaits reserve, charge and notify one after another (sequential calls)
  /restock          calls the inventory through a hand-made client span, forgetting to inject
                    traceparent (broken propagation: the inventory's span starts a trace of its own)
  /report           runs one slow query
  /health           one query and one Redis call: nothing to find

With --regress, /prices also sleeps 50 ms and reads every order's items one by one (a change
that made it slower, for the run-against-run comparison); --version sets service.version.

Usage:
  shop_app.py inventory --endpoint URL          serves the inventory until its stdin closes;
                                                prints its port
  shop_app.py shop --endpoint URL --redis SOCK  starts the inventory, calls each route once, and
                                                prints {route: trace id, ...} as the last line
"""
import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import httpx
import redis
import uvicorn
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from sqlalchemy import ForeignKey, create_engine, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

ORDERS = 8
ITEMS_PER_ORDER = 6
OLD_ITEMS = 40_000
STEP_SECONDS = 0.06  # each checkout step in the inventory service
LOOKUP_SECONDS = 0.005  # a stock lookup: six of them are worth batching


def start_tracing(service, endpoint, version):
    provider = TracerProvider(resource=Resource.create({"service.name": service, "service.version": version}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint + "/v1/traces")))
    trace.set_tracer_provider(provider)
    return provider


def current_trace_id():
    return format(trace.get_current_span().get_span_context().trace_id, "032x")


def listening_socket():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


# --- inventory ------------------------------------------------------------------------------

def inventory_app():
    app = FastAPI()

    @app.get("/stock/{sku}")
    async def stock(sku: int):
        await asyncio.sleep(LOOKUP_SECONDS)
        return {"sku": sku, "available": sku % 7}

    for step in ("reserve", "charge", "notify"):
        async def take_a_while(step=step):
            await asyncio.sleep(STEP_SECONDS)
            return {"step": step}
        app.add_api_route("/" + step, take_a_while, methods=["POST"])
    return app


def serve_in_thread(app):
    """uvicorn on a free port in a thread of its own; returns (server, thread, port)."""
    sock = listening_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    return server, thread, sock.getsockname()[1]


def run_inventory(endpoint, version):
    provider = start_tracing("inventory", endpoint, version)
    app = inventory_app()
    FastAPIInstrumentor.instrument_app(app)
    server, thread, port = serve_in_thread(app)
    print(port, flush=True)
    sys.stdin.read()  # until the shop closes our stdin: then stop and export what is left
    server.should_exit = True
    thread.join()
    provider.shutdown()


# --- shop -----------------------------------------------------------------------------------

class Base(DeclarativeBase):
    pass


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer: Mapped[str]
    items: Mapped[list["Item"]] = relationship(lazy="select")


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    sku: Mapped[int]


def seeded_engine(path):
    engine = create_engine("sqlite:///" + path)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        # Line items of an old system first, and no index on items.order_id (SQLite makes none
        # for a foreign key): each lazy load scans past them, as a real N+1 on a grown table does.
        session.execute(Item.__table__.insert(), [{"order_id": 0, "sku": n} for n in range(OLD_ITEMS)])
        for o in range(1, ORDERS + 1):
            session.add(Order(id=o, customer=f"customer {o}",
                              items=[Item(sku=100 * o + i) for i in range(1, ITEMS_PER_ORDER + 1)]))
        session.commit()
    return engine


def shop_app(engine, cache, inventory, regress):
    app = FastAPI()

    @app.get("/orders")
    def orders():
        with Session(engine) as session:
            listed = [{"id": order.id, "items": len(order.items)}  # one lazy load per order
                      for order in session.query(Order).all()]
        return {"trace": current_trace_id(), "orders": listed}

    @app.get("/orders/{order_id}/stock")
    def stock(order_id: int):
        with Session(engine) as session:
            skus = [item.sku for item in session.get(Order, order_id).items]
        with httpx.Client(base_url=inventory) as client:
            levels = [client.get(f"/stock/{sku}").json() for sku in skus]
        return {"trace": current_trace_id(), "stock": levels}

    @app.get("/prices")
    def prices():
        skus = [101 + i for i in range(ITEMS_PER_ORDER)]
        if regress:
            time.sleep(0.05)
            with Session(engine) as session:
                skus = [item.sku for order in session.query(Order).all() for item in order.items][:ITEMS_PER_ORDER]
        return {"trace": current_trace_id(), "prices": [cache.get(f"price:{sku}") for sku in skus]}

    @app.post("/checkout")
    async def checkout():
        async with httpx.AsyncClient(base_url=inventory) as client:
            for step in ("reserve", "charge", "notify"):
                (await client.post("/" + step)).raise_for_status()
        return {"trace": current_trace_id()}

    @app.post("/restock")
    def restock():
        url = f"{inventory}/stock/999"
        tracer = trace.get_tracer("shop.restock")
        with tracer.start_as_current_span("GET", kind=trace.SpanKind.CLIENT,
                                          attributes={"http.request.method": "GET", "url.full": url}):
            with urllib.request.urlopen(url, timeout=30) as response:  # no inject(): no traceparent
                response.read()
        return {"trace": current_trace_id()}

    @app.get("/report")
    def report():
        slow = text("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000000) "
                    "SELECT count(*) FROM n")
        with engine.connect() as connection:
            count = connection.execute(slow).scalar()
        return {"trace": current_trace_id(), "count": count}

    @app.get("/health")
    def health():
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        cache.ping()
        return {"trace": current_trace_id()}

    return app


def run_shop(endpoint, redis_socket, version, regress, skipped):
    workdir = tempfile.mkdtemp(prefix="shop-")
    inventory = subprocess.Popen([sys.executable, os.path.abspath(__file__), "inventory", "--endpoint", endpoint,
                                  "--version", version],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    inventory_url = "http://127.0.0.1:" + inventory.stdout.readline().strip()

    provider = start_tracing("shop", endpoint, version)
    engine = seeded_engine(os.path.join(workdir, "shop.db"))  # seeded before tracing starts
    cache = redis.Redis(unix_socket_path=redis_socket)
    cache.mset({f"price:{101 + i}": 10 + i for i in range(ITEMS_PER_ORDER)})
    SQLAlchemyInstrumentor().instrument(engine=engine)
    RedisInstrumentor().instrument()
    HTTPXClientInstrumentor().instrument()
    app = shop_app(engine, cache, inventory_url, regress)
    FastAPIInstrumentor.instrument_app(app)

    server, thread, port = serve_in_thread(app)
    base = "http://127.0.0.1:%d" % port
    try:
        traces = {}
        for name, method, path in [("orders", "GET", "/orders"), ("stock", "GET", "/orders/1/stock"),
                                   ("prices", "GET", "/prices"), ("checkout", "POST", "/checkout"),
                                   ("restock", "POST", "/restock"), ("report", "GET", "/report"),
                                   ("health", "GET", "/health")]:
            if name in skipped:
                continue
            # urllib is not instrumented: each request starts a trace of its own in the shop.
            request = urllib.request.Request(base + path, method=method)
            with urllib.request.urlopen(request, timeout=30) as response:
                traces[name] = json.load(response)["trace"]
    finally:
        server.should_exit = True
        thread.join()
        inventory.stdin.close()
        inventory.wait(timeout=30)
        provider.shutdown()
    print(json.dumps({"traces": traces, "orders": ORDERS, "itemsPerOrder": ITEMS_PER_ORDER,
                      "inventory": inventory.returncode}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["shop", "inventory"])
    parser.add_argument("--endpoint", required=True, help="OTLP/HTTP base URL")
    parser.add_argument("--redis", help="the Redis server's unix socket (shop)")
    parser.add_argument("--version", default="1.0.0", help="service.version of both services")
    parser.add_argument("--regress", action="store_true", help="make /prices slower (shop)")
    parser.add_argument("--skip", default="", help="routes not to call, by name, comma-separated")
    args = parser.parse_args()
    if args.role == "inventory":
        run_inventory(args.endpoint, args.version)
    else:
        run_shop(args.endpoint, args.redis, args.version, args.regress, set(args.skip.split(",")))


if __name__ == "__main__":
    main()
