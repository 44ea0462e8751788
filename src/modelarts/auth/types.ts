/** What the HTTP client needs from an authentication mode. */

export interface AuthRequest {
  method: string;
  url: URL;
  /** Headers the client will send (lower-case names), before authentication. */
  headers: Readonly<Record<string, string>>;
  body: string;
}

export interface Authorization {
  /** Headers to add to this attempt. */
  headers: Record<string, string>;
  /** The credential used (a token), so a stale one can be invalidated without discarding a newer one. */
  credential?: string;
}

export interface AuthProvider {
  readonly mode: 'aksk' | 'password' | 'token';
  /** Authenticates one attempt; may fetch or refresh a token (honouring `signal`). */
  authorize(request: AuthRequest, signal?: AbortSignal): Promise<Authorization>;
  /**
   * ModelArts said the credential expired. Returns true when a fresh attempt can succeed (the provider dropped the
   * stale token); false when nothing would change (static credentials).
   */
  invalidate(credential: string | undefined): boolean;
  /** Secret values currently in use, scrubbed from any upstream text before it reaches an error or a log. */
  secrets(): string[];
  close?(): Promise<void>;
}
