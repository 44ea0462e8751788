/**
 * The ModelArts simulator in its own process for the poller benchmark, so the bot side's CPU time and RSS are
 * measured without the simulator's. Prints one JSON line `{url, projectId, token}` when listening; SIGTERM stops it.
 */
import { startSimulator } from '../../src/simulator/index.js';

const sim = await startSimulator({ port: 0, generatedJobs: 0, allVersionsJobFields: false });
process.stdout.write(`${JSON.stringify({ url: sim.url, projectId: sim.projectId, token: sim.credentials.token })}\n`);
const stop = () => {
  void sim.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
