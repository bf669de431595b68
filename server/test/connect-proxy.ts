import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";

export type ConnectProxy = {
  url: string;
  /** host:port of every CONNECT tunnel opened, in order. */
  tunnels: string[];
  /** Everything clients sent through the tunnels (latin1), to look for request lines. */
  tunnelled: () => string;
  close: () => Promise<void>;
};

/** A real HTTP proxy on loopback that only does CONNECT tunnels, as corporate proxies in front of HTTPS do. */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets: net.Socket[] = [];
  let tunnelled = "";
  const proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? "");
    const [host, port] = (req.url ?? "").split(":");
    const upstream = net.connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
      client.on("data", (d: Buffer) => (tunnelled += d.toString("latin1")));
    });
    sockets.push(client, upstream);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    tunnels,
    tunnelled: () => tunnelled,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
