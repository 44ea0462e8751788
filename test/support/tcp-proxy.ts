/**
 * A TCP proxy on loopback in front of a real server (PostgreSQL), to cut the network between the bot and it:
 * `blackhole()` drops every open connection and swallows new ones without answering (a partition: connects hang,
 * queries never return), `restore()` forwards again. `freeze()` stops forwarding on the connections open now without
 * closing them (a NAT or firewall that lost their state: no FIN, no RST, no answer), while new connections work;
 * `thaw()` forwards on them again. `freeze({ newConnections: true })` holds new connections unanswered too, until
 * `thaw()`: the database gone quiet altogether.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  blackhole(): void;
  restore(): void;
  freeze(options?: { newConnections?: boolean }): void;
  /** `only: 'new'` lets new connections through again and leaves the frozen ones frozen for good. */
  thaw(options?: { only?: 'new' }): void;
  /** Connections frozen right now. */
  frozenCount(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let cut = false;
  const sockets = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  const frozen = new Set<[Socket, Socket]>();
  let holdNew = false;
  const held = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const forward = (client: Socket) => {
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('close', () => {
      pairs.delete(pair);
      frozen.delete(pair);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  };
  const server: Server = createServer((client) => {
    track(client);
    if (cut) return; // held open, never answered
    if (holdNew) {
      client.pause();
      held.add(client);
      client.on('close', () => held.delete(client));
      return;
    }
    forward(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    blackhole() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      cut = false;
      for (const s of sockets) s.destroy();
    },
    freeze(options = {}) {
      holdNew = options.newConnections === true;
      for (const pair of pairs) {
        if (frozen.has(pair)) continue;
        const [client, upstream] = pair;
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        frozen.add(pair);
      }
    },
    thaw(options = {}) {
      if (options.only !== 'new') {
        for (const [client, upstream] of frozen) {
          client.pipe(upstream);
          upstream.pipe(client);
        }
        frozen.clear();
      }
      holdNew = false;
      for (const client of held) forward(client);
      held.clear();
    },
    frozenCount: () => frozen.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
