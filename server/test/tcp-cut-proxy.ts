import net from "node:net";

export type TcpCutProxy = {
  /** The port the proxy listens on (127.0.0.1). */
  port: number;
  url: string;
  /** Connections accepted so far, held ones included. */
  accepted: () => number;
  /**
   * Destroys every forwarded connection (both sides see the TCP connection drop) and, for `ms`, holds new
   * connections unanswered like a partitioned network would; then forwards them and everything after.
   * Resolves when forwarding resumes.
   */
  cut: (ms: number) => Promise<void>;
  close: () => Promise<void>;
};

/** A TCP proxy 127.0.0.1:<ephemeral port> -> 127.0.0.1:targetPort whose connections a test can cut. */
export async function startTcpCutProxy(targetPort: number): Promise<TcpCutProxy> {
  const open = new Set<net.Socket>();
  const held = new Set<net.Socket>();
  let cutTimer: NodeJS.Timeout | null = null;
  let accepted = 0;

  const forward = (client: net.Socket) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    open.add(client);
    open.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on("error", end);
      socket.on("close", end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const server = net.createServer((client) => {
    accepted++;
    if (cutTimer === null) return forward(client);
    client.pause();
    held.add(client);
    client.on("error", () => client.destroy());
    client.once("close", () => held.delete(client));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  const release = () => {
    cutTimer = null;
    for (const client of held) {
      held.delete(client);
      client.removeAllListeners("close");
      client.removeAllListeners("error");
      if (!client.destroyed) forward(client);
    }
  };

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    cut: (ms) =>
      new Promise<void>((resolve) => {
        if (cutTimer) clearTimeout(cutTimer);
        cutTimer = setTimeout(() => {
          release();
          resolve();
        }, ms);
        for (const socket of open) socket.destroy();
        open.clear();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (cutTimer) clearTimeout(cutTimer);
        for (const socket of [...open, ...held]) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
