/** The deployment orchestrator: loads state, asks the engine, persists and dispatches. Implemented in this folder. */
export interface Orchestrator {
  /** Re-evaluates a deployment now (after a create, stop, agent report or timer). */
  poke(deploymentId: string): void;
}
