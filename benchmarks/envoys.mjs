// Envoys for server_bench.py's `--client node`: every party of many sessions, offering as fast
// as the server allows, from Node's built-in modules alone.
//
// The benchmark runs the server and its client on the same two cores, so every millisecond
// the client spends is one the server does not get. This client plays exactly what the
// Python client's `stream_party` plays, written from docs/protocol.md alone (which is also
// the point: an envoy needs nothing but that document), over raw sockets with HTTP/1.1
// spoken by hand: the least a client can do per action.
//
// Input (stdin, one JSON line):
//   {"sessions": [{"host", "port", "id", "parties": {NAME: {"token", "offer"}}}], "minimal": BOOL}
// With "minimal" each action asks for its events only (`Prefer: return=minimal`): the state
// messages of the stream are all a party needs.
// Each party follows `GET /api/sessions/{id}/stream?after=-1&state=true` on a connection of
// its own and, when a state message says it is its turn after the events of its own
// previous action, posts `{"kind": "offer", "outcome": OFFER}` on a keep-alive connection of
// its own; it stops when the state's status is no longer "running".
//
// Output (stdout): the line `START` once every party has its first state message (the
// measured phase starts then), and at the end one JSON line:
//   {"parties": [{"acted", "seen"}, ...], "latencies": [seconds, ...]}
// with the parties in the input's order (sessions, then each session's parties), `seen` the
// indices the stream delivered, in order, and `latencies` each action's time from sending the
// POST to reading its answer. The process then exits when stdin ends (so that the benchmark
// can read its CPU time from /proc before it goes). Any error ends it with a message on
// stderr and a non-zero exit code.
//
// What it costs (server_bench.py, 200 sessions, two cores): 0.10-0.13 ms of CPU per action,
// against 0.16-0.21 ms for the asyncio client and 0.28 ms for these envoys on node:http with a
// keep-alive agent. What is saved: sockets read with `onread` into one reused buffer (no
// stream machinery per read), each party's request text built once but for its key, an
// event's index taken from its message's `id:` line (the protocol makes the id the index),
// and an action's answer parsed up to the end of its `events` only (parsing the ~2.5 kB state
// after them was a quarter of the client's CPU). A third of what is left is the kernel's side
// of the sockets (one write and three reads per action).

import { randomUUID } from "node:crypto";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { StringDecoder } from "node:string_decoder";

const HEAD_END = Buffer.from("\r\n\r\n");
const LINE_END = Buffer.from("\r\n");
const EMPTY = Buffer.alloc(0);

// Every socket reads into this one buffer; a reader copies out what it keeps before it returns.
const READ_BUFFER = Buffer.allocUnsafe(1 << 16);

/** A socket that closed or failed: the request may be sent again (actions carry their Idempotency-Key). */
class ConnectionLost extends Error {}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Open a TCP connection to host:port, its reads handed to ``onData(bytes)``; resolve with the socket once connected. */
function connect(host, port, onData) {
  return new Promise((resolve, reject) => {
    const onread = { buffer: READ_BUFFER, callback: (length, buffer) => onData(buffer.subarray(0, length)) };
    const socket = net.connect({ host, port, noDelay: true, onread });
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** Return ``kept`` followed by ``bytes``: ``bytes`` itself (a view of READ_BUFFER) when nothing is kept. */
function joined(kept, bytes) {
  return kept.length === 0 ? bytes : Buffer.concat([kept, bytes]);
}

/**
 * Return the index of the last event of an action's answer (`{"events": [...], "state": {...}}`,
 * or `{"events": [...]}` when the action preferred `return=minimal`).
 *
 * Only the `events` array is parsed (the state after it is ~2.5 kB this client does not use),
 * up to the first `],"state":`. That mark cannot be inside a string (its quote would be
 * escaped), so it closes either the events or an array nested in one, followed by a key
 * "state": the text up to it parses as one array only in the first case. Otherwise, or for an
 * answer of another shape, the whole answer is parsed.
 */
function lastEventIndex(text) {
  const end = text.startsWith('{"events":[') ? text.indexOf('],"state":') : -1;
  let events = null;
  if (end > 0) {
    try {
      events = JSON.parse(text.slice(10, end + 1));
    } catch {
      events = null; // the mark closed an array inside an event: the whole answer is parsed below
    }
  }
  return (events ?? JSON.parse(text).events).at(-1).index;
}

/**
 * One keep-alive HTTP/1.1 connection for requests with a Content-Length answer, one at a time.
 *
 * A connection that drops (uvicorn closes one idle for 5 s) is reopened and the request sent
 * again, up to 5 times.
 */
class Connection {
  constructor(host, port) {
    this.host = host;
    this.port = port;
    this.socket = null;
    this.kept = EMPTY; // bytes of an answer not all here yet
    this.waiting = null; // {resolve, reject} of the request in flight
  }

  async connect() {
    if (this.socket !== null) return;
    const socket = await connect(this.host, this.port, (bytes) => this.received(bytes));
    this.socket = socket;
    this.kept = EMPTY;
    const lost = (error) => {
      if (this.socket !== socket) return; // an earlier socket, already given up
      this.socket = null;
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.reject(new ConnectionLost(error?.message ?? "the server closed the connection"));
    };
    socket.on("error", lost);
    socket.on("close", () => lost(null));
  }

  /** Resolve the request in flight with {status, text} (the body, decoded) once its whole answer is here. */
  received(bytes) {
    const data = joined(this.kept, bytes);
    const headEnd = data.indexOf(HEAD_END);
    let end = -1;
    let status = 0;
    if (headEnd >= 0) {
      const head = data.toString("latin1", 0, headEnd).toLowerCase();
      status = Number(head.split(" ", 2)[1]);
      const length = head.indexOf("\r\ncontent-length:");
      end = headEnd + 4 + (length < 0 ? 0 : parseInt(head.slice(length + 17), 10));
    }
    if (end < 0 || data.length < end || this.waiting === null) {
      this.kept = Buffer.from(data); // a copy: READ_BUFFER is overwritten by the next read
      return;
    }
    this.kept = EMPTY; // HTTP/1.1 without pipelining: nothing comes after the answer
    const waiting = this.waiting;
    this.waiting = null;
    waiting.resolve({ status, text: data.toString("utf8", headEnd + 4, end) });
  }

  /** Send ``request`` (the whole request: head and body); resolve with {status, text}. */
  async request(request) {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.connect();
        const answered = new Promise((resolve, reject) => {
          this.waiting = { resolve, reject };
        });
        this.socket.write(request, "utf8");
        return await answered;
      } catch (error) {
        if (!(error instanceof ConnectionLost) && !["ECONNREFUSED", "ECONNRESET"].includes(error.code)) throw error;
        this.close();
        await sleep(50 * (attempt + 1));
      }
    }
    throw new Error(`${request.slice(0, request.indexOf("\r\n"))}: the server did not answer`);
  }

  close() {
    this.socket?.destroy();
    this.socket = null;
  }
}

/**
 * One `GET .../stream` (server-sent events over chunked HTTP/1.1) read by hand.
 *
 * The socket's bytes are cut into chunks, the chunks' payloads into messages (a blank line
 * ends one), and the messages queue as [event, data] until `next()` takes them: the party
 * handles them one at a time, in order, as the Python client's `async for` does. An entry's
 * message is ["message", its index] (from its `id:` line: its data is not parsed); any other
 * is [event, its data parsed].
 */
class Stream {
  constructor(host, port, path, headers) {
    this.host = host;
    this.port = port;
    this.path = path;
    this.headers = headers;
    this.socket = null;
    this.raw = EMPTY; // bytes not yet cut into chunks
    this.decoder = new StringDecoder("utf8"); // keeps a character split between two chunks
    this.text = ""; // chunks' payloads, decoded, not yet cut into messages
    this.inHead = true;
    this.messages = [];
    this.failure = null;
    this.wake = null; // the resolve of a `next()` waiting for a message
  }

  async open() {
    this.socket = await connect(this.host, this.port, (bytes) => {
      try {
        this.cut(joined(this.raw, bytes));
      } catch (error) {
        this.fail(error);
      }
    });
    this.socket.on("error", (error) => this.fail(new Error(`stream: ${error.message}`)));
    this.socket.on("close", () => this.fail(new Error("stream: the server closed the connection")));
    this.socket.write(`GET ${this.path} HTTP/1.1\r\nHost: ${this.host}\r\n${this.headers}\r\n`, "latin1");
  }

  /** Cut ``raw`` (what was kept and what has arrived) into messages; keep a copy of the rest. */
  cut(raw) {
    if (this.inHead) {
      const headEnd = raw.indexOf(HEAD_END);
      if (headEnd < 0) {
        this.raw = Buffer.from(raw);
        return;
      }
      const head = raw.toString("latin1", 0, headEnd);
      if (head.split(" ", 2)[1] !== "200" || !head.toLowerCase().includes("chunked")) {
        throw new Error(`stream: ${JSON.stringify(head)}`);
      }
      raw = raw.subarray(headEnd + 4);
      this.inHead = false;
    }
    for (;;) {
      const lineEnd = raw.indexOf(LINE_END);
      if (lineEnd < 0) break;
      const size = parseInt(raw.toString("latin1", 0, lineEnd), 16);
      if (size === 0) throw new Error("stream: the server ended it");
      const start = lineEnd + 2;
      if (raw.length < start + size + 2) break; // the chunk and its CRLF are not all here
      this.text += this.decoder.write(raw.subarray(start, start + size));
      raw = raw.subarray(start + size + 2);
    }
    this.raw = raw.length === 0 ? EMPTY : Buffer.from(raw); // a copy: READ_BUFFER is overwritten by the next read
    let messageEnd;
    while ((messageEnd = this.text.indexOf("\n\n")) >= 0) {
      this.parse(this.text.slice(0, messageEnd));
      this.text = this.text.slice(messageEnd + 2);
    }
    if (this.messages.length > 0 && this.wake !== null) {
      const wake = this.wake;
      this.wake = null;
      wake();
    }
  }

  /** Queue one message: an entry's (`id:`) as ["message", index], any other by its `event:` and JSON `data:`. */
  parse(message) {
    let event = "message";
    let id = null;
    let data = null;
    for (const line of message.split("\n")) {
      if (line.startsWith("id: ")) id = Number(line.slice(4));
      else if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data = line.slice(6);
    }
    if (data === null) return; // a comment (`: keep-alive`)
    if (event === "message") this.messages.push([event, id ?? JSON.parse(data).index]);
    else this.messages.push([event, JSON.parse(data)]);
  }

  fail(error) {
    this.failure ??= error;
    if (this.wake !== null) {
      const wake = this.wake;
      this.wake = null;
      wake();
    }
  }

  /** Resolve with the next message as [event, data]; reject once the stream failed and its messages are taken. */
  async next() {
    while (this.messages.length === 0) {
      if (this.failure !== null) throw this.failure;
      await new Promise((resolve) => {
        this.wake = resolve;
      });
    }
    return this.messages.shift();
  }

  close() {
    this.socket?.removeAllListeners("close");
    this.socket?.destroy();
    this.socket = null;
  }
}

/**
 * Holds every party until all have their first state message, then starts the measured phase.
 *
 * Opening every stream at once is a burst of work a running server does not see on each
 * action; the first actions would wait behind it.
 */
class Start {
  constructor(parties, onStart) {
    this.waiting = parties;
    this.onStart = onStart;
    this.started = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  arrive() {
    this.waiting -= 1;
    if (this.waiting === 0) {
      this.onStart();
      this.release();
    }
    return this.started;
  }
}

/**
 * Post an offer under a fresh Idempotency-Key, sent again unchanged (same key) after a 5xx;
 * record the latency of the attempt answered; return the index of the answer's last event,
 * or throw on any status but 200. ``head`` and ``tail`` are the request's text before and
 * after the key: the same for every action of a party.
 */
async function postOffer(connection, head, tail, latencies) {
  const request = `${head}${randomUUID()}${tail}`;
  let started, answer;
  do {
    started = performance.now();
    answer = await connection.request(request);
  } while (answer.status >= 500);
  latencies.push((performance.now() - started) / 1000);
  if (answer.status !== 200) throw new Error(`action: ${answer.status} ${answer.text}`);
  return lastEventIndex(answer.text);
}

/**
 * Play party `me` of `session` from its stream; resolve with {acted, seen}.
 *
 * Only the stream's indices are seen (the actions' answers are not added to them): it must
 * deliver every event once, in order.
 */
async function play(session, me, start, latencies, minimal) {
  const { host, port, id } = session;
  const { token, offer } = session.parties[me];
  const auth = `Authorization: Bearer ${token}\r\n`;
  const body = JSON.stringify({ kind: "offer", outcome: offer });
  const head = `POST /api/sessions/${id}/actions HTTP/1.1\r\nHost: ${host}\r\n${auth}Idempotency-Key: `;
  const prefer = minimal ? "\r\nPrefer: return=minimal" : "";
  const tail = `${prefer}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const connection = new Connection(host, port);
  const stream = new Stream(host, port, `/api/sessions/${id}/stream?after=-1&state=true`, auth);
  let acted = 0;
  let doneAt = -1; // the last index of this party's previous action's answer
  let started = false;
  const seen = [];
  await connection.connect(); // now, not on the first action, which would then time the connect
  try {
    await stream.open();
    for (;;) {
      const [event, data] = await stream.next();
      if (event !== "state") {
        seen.push(data);
        continue;
      }
      if (!started) {
        started = true; // the stream is open: wait for the others'
        await start.arrive();
      }
      if (data.status !== "running") return { acted, seen };
      if (data.next_party !== me || data.last_index <= doneAt) continue; // not its turn, or the turn before its action
      doneAt = await postOffer(connection, head, tail, latencies);
      acted += 1;
    }
  } finally {
    stream.close();
    connection.close();
  }
}

/** Resolve with stdin's first line (the input); the rest of stdin is left to keep the process alive. */
function firstLine() {
  return new Promise((resolve, reject) => {
    let text = "";
    let done = false;
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (data) => {
      if (done) return;
      text += data;
      const newline = text.indexOf("\n");
      if (newline >= 0) {
        done = true;
        resolve(text.slice(0, newline));
      }
    });
    process.stdin.on("end", () => {
      if (!done) {
        done = true;
        if (text.trim()) resolve(text);
        else reject(new Error("no input on stdin"));
      }
    });
  });
}

async function main() {
  const { sessions, minimal = false } = JSON.parse(await firstLine());
  const parties = sessions.flatMap((session) => Object.keys(session.parties).map((me) => [session, me]));
  const latencies = [];
  const start = new Start(parties.length, () => process.stdout.write("START\n"));
  const played = await Promise.all(parties.map(([session, me]) => play(session, me, start, latencies, minimal)));
  process.stdout.write(`${JSON.stringify({ parties: played, latencies })}\n`);
}

main().catch((error) => {
  process.stderr.write(`envoys.mjs: ${error.stack ?? error}\n`);
  process.exit(1);
});
