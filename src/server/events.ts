// Server-sent events to every open page: `changed` when a file changes on disk, a comment line now and
// then so that proxies and browsers keep the stream open, and an end to every stream on shutdown.
import type { ServerResponse } from 'node:http';

/** Often enough for the idle timeouts of browsers and proxies (30 s and more). */
const PING_MS = 25_000;

export class EventStreams {
  private readonly clients = new Set<ServerResponse>();
  private readonly ping = setInterval(() => this.write(': ping\n\n'), PING_MS);

  /** Turns a response into an event stream that stays open until the page goes or the server closes. */
  open(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
    res.flushHeaders();
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  send(event: string, data: unknown): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  close(): void {
    clearInterval(this.ping);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private write(text: string): void {
    for (const res of this.clients) res.write(text);
  }
}
