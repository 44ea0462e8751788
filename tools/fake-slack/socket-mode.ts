/**
 * Slack's side of Socket Mode: `apps.connections.open` hands out a one-time WebSocket URL, the fake's HTTP server
 * upgrades it, greets with `hello`, then sends envelopes (`slash_commands`, `interactive`, `events_api`) and waits
 * for the app's ack `{envelope_id, payload?}`. It can ask clients to reconnect (`disconnect`) or drop them, and
 * answers pings (the client pings every few seconds and reconnects when no pong comes back).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ServerOptions, WebSocket, WebSocketServer } from 'ws';

export type SocketEnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** Why Slack asks a client to reconnect (the `reason` of a `disconnect` message). */
export type SocketDisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled';

export interface SocketConnectionInfo {
  id: string;
  /** open: receives envelopes; draining: told to reconnect, gets no new envelopes; closed: gone. */
  state: 'open' | 'draining' | 'closed';
  openedAt: number;
  closedAt: number | null;
  /** The peer's close code (1006 when the connection just ended). */
  closeCode: number | null;
  /** Pings the client sent (each answered with a pong). */
  pingsReceived: number;
  /** Envelopes sent / acks received on this connection. */
  envelopesSent: number;
  acksReceived: number;
}

/** What the app answered to one envelope. */
export type SocketAck =
  | { kind: 'ack'; payload: Record<string, unknown> | null; connectionId: string }
  | { kind: 'timeout'; connectionId: string }
  | { kind: 'closed'; connectionId: string }
  | { kind: 'not_connected' };

export interface SocketModeOptions {
  appId: string;
  /** ws:// base of the fake's HTTP server. */
  baseUrl: () => string;
  now: () => number;
  /** Called whenever a connection opens, changes state or closes (drives waitUntil). */
  onChange: () => void;
  /** Protocol problems caused by the client (a test should expect none). */
  onError: (err: Error) => void;
  /** Interval of the server's own pings; 0 turns them off. */
  pingIntervalMs: number;
  /** After a `disconnect` message, how long Slack keeps the connection before closing it itself. */
  disconnectGraceMs: number;
}

interface Connection {
  info: SocketConnectionInfo;
  socket: WebSocket;
  timers: NodeJS.Timeout[];
}

interface Pending {
  connectionId: string;
  resolve: (ack: SocketAck) => void;
  timer: NodeJS.Timeout;
}

export const SOCKET_MODE_PATH = '/socket-mode/';

/**
 * Refuses an upgrade with a plain HTTP answer, as Slack answers a bad or reused ticket. `ws` keeps its own version
 * private and recommends exactly this in the `upgrade` handler.
 */
export function rejectUpgrade(socket: Duplex, status: number, statusText: string): void {
  const body = `${status} ${statusText}`;
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * `closeTimeout` bounds how long a server-initiated close waits for the peer's close frame; ws's default 30 s would
 * keep a silent client `draining` long after the grace period. ws 8.23 reads it; @types/ws 8.18 does not list it.
 */
const WS_OPTIONS: ServerOptions & { closeTimeout: number } = {
  noServer: true,
  // The server keeps its own registry of live connections.
  clientTracking: false,
  closeTimeout: 2000,
};

export class SocketModeServer {
  readonly connections: SocketConnectionInfo[] = [];
  private readonly live = new Map<string, Connection>();
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private readonly host = `applink-fake-${randomBytes(3).toString('hex')}`;
  private readonly wss = new WebSocketServer(WS_OPTIONS);

  constructor(private readonly opts: SocketModeOptions) {}

  /** A fresh single-use WebSocket URL, as apps.connections.open returns it. */
  issueUrl(): string {
    const ticket = randomBytes(16).toString('hex');
    this.tickets.add(ticket);
    return `${this.opts.baseUrl().replace(/^http/, 'ws')}${SOCKET_MODE_PATH}${ticket}`;
  }

  /** Whether an open connection can take an envelope now. */
  get connected(): boolean {
    return this.pick() !== undefined;
  }

  /** Handles an HTTP upgrade; false when the path is not a Socket Mode URL (the caller answers it). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!path.startsWith(SOCKET_MODE_PATH)) return false;
    const ticket = path.slice(SOCKET_MODE_PATH.length);
    if (!this.tickets.delete(ticket)) {
      rejectUpgrade(socket, 401, 'Unauthorized');
      return true;
    }
    // ws answers an invalid handshake with 400 itself and then never calls back.
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, ticket));
    return true;
  }

  private accept(ws: WebSocket, ticket: string): void {
    const info: SocketConnectionInfo = {
      id: ticket.slice(0, 12),
      state: 'open',
      openedAt: this.opts.now(),
      closedAt: null,
      closeCode: null,
      pingsReceived: 0,
      envelopesSent: 0,
      acksReceived: 0,
    };
    const conn: Connection = { info, socket: ws, timers: [] };
    this.connections.push(info);
    this.live.set(info.id, conn);
    ws.on('message', (data, isBinary) => {
      // Messages arriving after our close frame are dropped, as RFC 6455 allows.
      if (ws.readyState !== WebSocket.OPEN) return;
      if (isBinary) this.opts.onError(new Error('Socket Mode client sent a binary message'));
      else this.onMessage(conn, data.toString());
    });
    // ws answers pings itself (autoPong).
    ws.on('ping', () => {
      info.pingsReceived += 1;
    });
    // Protocol violations by the client; ws has already closed with the matching code (1002, 1007, 1009).
    ws.on('error', (err) => this.opts.onError(err));
    ws.on('close', (code) => this.onClose(conn, code));
    if (this.opts.pingIntervalMs > 0) {
      const timer = setInterval(() => ws.ping(Buffer.from(`ping ${Date.now()}`)), this.opts.pingIntervalMs);
      timer.unref();
      conn.timers.push(timer);
    }
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.live.size,
        debug_info: { host: this.host, build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.opts.appId },
      }),
    );
    this.opts.onChange();
  }

  /** Sends one envelope to the newest open connection and resolves with the app's ack (or why there is none). */
  deliver(
    type: SocketEnvelopeType,
    payload: Record<string, unknown>,
    options: { acceptsResponsePayload: boolean; timeoutMs: number; retryAttempt?: number; retryReason?: string },
  ): { envelope: Record<string, unknown> | null; ack: Promise<SocketAck> } {
    const conn = this.pick();
    if (!conn) return { envelope: null, ack: Promise.resolve({ kind: 'not_connected' }) };
    const envelopeId = randomUUID();
    const envelope: Record<string, unknown> = {
      envelope_id: envelopeId,
      payload,
      type,
      accepts_response_payload: options.acceptsResponsePayload,
      ...(type === 'events_api'
        ? { retry_attempt: options.retryAttempt ?? 0, retry_reason: options.retryReason ?? '' }
        : {}),
    };
    const ack = new Promise<SocketAck>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        resolve({ kind: 'timeout', connectionId: conn.info.id });
      }, options.timeoutMs);
      timer.unref();
      this.pending.set(envelopeId, { connectionId: conn.info.id, resolve, timer });
    });
    conn.info.envelopesSent += 1;
    conn.socket.send(JSON.stringify(envelope));
    return { envelope, ack };
  }

  /**
   * Sends `disconnect` (to one connection, or every open one); the client is expected to reconnect. Slack closes the
   * connection itself after a grace period if the client does not. Returns how many connections were told.
   */
  disconnect(reason: SocketDisconnectReason = 'refresh_requested', connectionId?: string): number {
    let told = 0;
    for (const conn of this.live.values()) {
      if (connectionId !== undefined && conn.info.id !== connectionId) continue;
      if (conn.info.state !== 'open') continue;
      conn.socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: this.host } }));
      conn.info.state = 'draining';
      const timer = setTimeout(() => conn.socket.close(1001, 'disconnected'), this.opts.disconnectGraceMs);
      timer.unref();
      conn.timers.push(timer);
      told += 1;
    }
    if (told > 0) this.opts.onChange();
    return told;
  }

  /** Drops connections without a close frame (a network failure). Returns how many were dropped. */
  drop(connectionId?: string): number {
    let dropped = 0;
    for (const conn of this.live.values()) {
      if (connectionId !== undefined && conn.info.id !== connectionId) continue;
      conn.socket.terminate();
      dropped += 1;
    }
    return dropped;
  }

  close(): void {
    for (const conn of this.live.values()) conn.socket.terminate();
    this.tickets.clear();
  }

  /** Slack spreads envelopes over a client's connections; the newest open one keeps the fake deterministic. */
  private pick(): Connection | undefined {
    let newest: Connection | undefined;
    for (const conn of this.live.values()) if (conn.info.state === 'open') newest = conn;
    return newest;
  }

  private onMessage(conn: Connection, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.opts.onError(new Error(`Socket Mode client sent a message that is not JSON: ${text.slice(0, 200)}`));
      return;
    }
    const m = msg as { envelope_id?: unknown; payload?: unknown };
    if (typeof msg !== 'object' || msg === null || typeof m.envelope_id !== 'string') {
      this.opts.onError(new Error(`Socket Mode client sent a message without envelope_id: ${text.slice(0, 200)}`));
      return;
    }
    const pending = this.pending.get(m.envelope_id);
    if (!pending) {
      // A late ack (after the timeout) or one for an envelope never sent: Slack ignores it.
      return;
    }
    if (pending.connectionId !== conn.info.id) {
      this.opts.onError(new Error(`ack for envelope ${m.envelope_id} arrived on another connection`));
    }
    this.pending.delete(m.envelope_id);
    clearTimeout(pending.timer);
    conn.info.acksReceived += 1;
    const payload =
      typeof m.payload === 'object' && m.payload !== null && !Array.isArray(m.payload)
        ? (m.payload as Record<string, unknown>)
        : null;
    pending.resolve({ kind: 'ack', payload, connectionId: conn.info.id });
  }

  private onClose(conn: Connection, code: number): void {
    for (const t of conn.timers) clearTimeout(t);
    conn.timers = [];
    conn.info.state = 'closed';
    conn.info.closedAt = this.opts.now();
    conn.info.closeCode = code;
    this.live.delete(conn.info.id);
    for (const [id, p] of this.pending) {
      if (p.connectionId !== conn.info.id) continue;
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.resolve({ kind: 'closed', connectionId: conn.info.id });
    }
    this.opts.onChange();
  }
}
