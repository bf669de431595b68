// hello-web: answers every request with a greeting and the deployment that installed it.
import http from "node:http";

const port = Number(process.env.PORT) || 8088;
const deploymentId = process.env.DEPLOYMENT_ID || "unknown";
const startedAt = new Date().toISOString();

const server = http.createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, deploymentId, startedAt }));
    return;
  }
  res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
  res.end(`Hello from Landline\ndeployment ${deploymentId}, up since ${startedAt}\n`);
});

server.listen(port, "0.0.0.0", () => console.log(`hello-web listening on ${port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
