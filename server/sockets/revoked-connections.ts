/** Ends live socket connections whose credential no longer works; cheap enough to run after every revocation. */
export interface RevokedConnections {
  /** Re-checks every connected socket's session, API token or host credential and disconnects those revoked. */
  endRevokedConnections(): void;
}
