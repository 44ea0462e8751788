/**
 * The operations listener: GET /metrics and GET /health (the detailed report) on their own port, bound to loopback
 * unless METRICS_HOST exposes it on purpose, so neither is reachable through the public Slack port. With
 * METRICS_TOKEN set, both require `Authorization: Bearer <token>` wherever they are served (here, and on the Slack
 * port, for platforms that give a container one port).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OpsRoute {
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The route behind a bearer token (compared in constant time); unchanged when there is no token. */
export function withBearerToken(route: OpsRoute, token: string | undefined): OpsRoute {
  if (!token) return route;
  const expected = digest(`Bearer ${token}`);
  return {
    path: route.path,
    handler: (req, res) => {
      const given = req.headers.authorization;
      if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
        res.end('{"ok":false,"error":"unauthorized"}');
        return;
      }
      route.handler(req, res);
    },
  };
}

/** A JSON answer that is never cached; `ok` decides 200 or 503. */
export function sendHealth(res: ServerResponse, ok: boolean, body: unknown): void {
  res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export interface OpsServer {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

/** Serves `routes` (GET, exact paths) on host:port; anything else is 404. */
export function startOpsServer(options: { host: string; port: number; routes: OpsRoute[] }): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = req.method === 'GET' ? options.routes.find((r) => r.path === path) : undefined;
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"ok":false,"error":"not_found"}');
      return;
    }
    route.handler(req, res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve({
        port: address.port,
        host: address.address,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
