import http from "node:http";

/** GETs `url` on a fresh connection and counts the body bytes without keeping them; -1 on any failure. */
export function downloadOnce(url: string, credential: string | null, onError: (message: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, headers: credential ? { authorization: `Bearer ${credential}` } : {} }, (res) => {
      if (res.statusCode !== 200) {
        onError(`download: HTTP ${res.statusCode}`);
        res.resume();
        return resolve(-1);
      }
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => resolve(bytes));
      res.on("error", (error) => {
        onError(`download: ${error.message}`);
        resolve(-1);
      });
    });
    req.on("error", (error) => {
      onError(`download: ${error.message}`);
      resolve(-1);
    });
  });
}
