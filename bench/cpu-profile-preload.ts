import fs from "node:fs";
import { Session } from "node:inspector";
import path from "node:path";

/**
 * Loaded into the server with NODE_OPTIONS="--import tsx --import bench/cpu-profile-preload.ts" (Node refuses
 * --cpu-prof in NODE_OPTIONS): samples the whole process and writes a .cpuprofile to LANDLINE_BENCH_PROFILE_DIR
 * when it exits. Same-thread inspector sessions answer synchronously, so the 'exit' handler can still write it.
 */
const dir = process.env.LANDLINE_BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  session.post("Profiler.start");
  process.on("exit", () => {
    session.post("Profiler.stop", (error, result) => {
      if (error) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `server-${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
