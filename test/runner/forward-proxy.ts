import { createServer, request as httpRequest, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

/** What passed through the proxy: CONNECT tunnels and plain forwarded requests. */
export interface ProxiedRequest {
  method: string
  /** host:port for CONNECT, the absolute URL for a forwarded request. */
  target: string
  headers: Record<string, string | string[] | undefined>
}

/**
 * A forward proxy on 127.0.0.1, as a self-hosted runner's network would have: it tunnels CONNECT
 * and forwards absolute-URI requests, and records each. Loopback targets only.
 */
export class ForwardProxy {
  readonly url: string
  readonly seen: ProxiedRequest[] = []
  readonly #server: Server
  readonly #sockets = new Set<Socket>()

  private constructor(server: Server, url: string) {
    this.#server = server
    this.url = url
  }

  static async start(): Promise<ForwardProxy> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const proxy = new ForwardProxy(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    )
    server.on('connection', (socket) => {
      proxy.#sockets.add(socket)
      socket.on('close', () => proxy.#sockets.delete(socket))
    })
    server.on('connect', (req, client: Socket, head: Buffer) => {
      proxy.seen.push({ method: 'CONNECT', target: req.url ?? '', headers: req.headers })
      const [host, port] = (req.url ?? '').split(':')
      if (host !== '127.0.0.1' && host !== 'localhost') {
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n')
        return
      }
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      proxy.#sockets.add(upstream)
      upstream.on('close', () => proxy.#sockets.delete(upstream))
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
    })
    server.on('request', (req, res) => {
      proxy.seen.push({ method: req.method ?? '', target: req.url ?? '', headers: req.headers })
      const target = new URL(req.url ?? '')
      const forwarded = httpRequest(
        target,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        }
      )
      forwarded.on('error', () => res.writeHead(502).end())
      req.pipe(forwarded)
    })
    return proxy
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
