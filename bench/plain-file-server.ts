import fs from "node:fs";
import { createServer } from "node:http";
import { pipeline } from "node:stream";

/**
 * The loopback ceiling for bundle downloads: a plain Node HTTP server that streams one file with
 * fs.createReadStream to every GET, nothing else. Prints "listening <port>" once it listens on 127.0.0.1.
 */
const file = process.argv[2];
const size = fs.statSync(file).size;
const server = createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": size });
  pipeline(fs.createReadStream(file), res, () => {});
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});
process.on("SIGTERM", () => process.exit(0));
