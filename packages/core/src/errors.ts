/** How an error surfaces at the edges (tRPC, HTTP): every AppError code belongs to one kind. */
export type ErrorKind = 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'precondition' | 'unauthenticated';

const codes = {
  TENANT_NOT_FOUND: 'not_found',
  MEMBER_NOT_FOUND: 'not_found',
  INVITATION_NOT_FOUND: 'not_found',
  SESSION_NOT_FOUND: 'not_found',
  NOT_A_MEMBER: 'forbidden',
  ROLE_FORBIDDEN: 'forbidden',
  LAST_OWNER: 'conflict',
  ALREADY_MEMBER: 'conflict',
  ALREADY_INVITED: 'conflict',
  INVITATION_USED: 'conflict',
  INVITATION_REVOKED: 'conflict',
  INVITATION_EXPIRED: 'precondition',
  INVITATION_EMAIL_MISMATCH: 'forbidden',
  EMAIL_NOT_VERIFIED: 'precondition',
  NO_TENANT: 'precondition',
  CANNOT_TARGET_SELF: 'invalid',
  INVALID_INPUT: 'invalid',
  CONNECTOR_NOT_FOUND: 'not_found',
  CONNECTION_NOT_FOUND: 'not_found',
  INVALID_CREDENTIALS: 'invalid',
  CONNECTION_IN_USE: 'conflict',
  NAME_TAKEN: 'conflict',
  FLOW_NOT_FOUND: 'not_found',
  FLOW_INVALID: 'invalid',
  FLOW_NOT_PUBLISHED: 'precondition',
  FLOW_DISABLED: 'precondition',
  FLOW_SUBSCRIBE_FAILED: 'precondition',
  VERSION_NOT_FOUND: 'not_found',
  RUN_NOT_FOUND: 'not_found',
  RUN_NOT_REPLAYABLE: 'conflict',
  PAYLOAD_TOO_LARGE: 'invalid',
  OAUTH_UNSUPPORTED: 'invalid',
  DEVICE_NOT_FOUND: 'not_found',
  DEVICE_DISABLED: 'precondition',
  PROVISIONING_KEY_NOT_FOUND: 'not_found',
  PROVISIONING_KEY_INVALID: 'unauthenticated',
  PLAN_NOT_FOUND: 'not_found',
  /** One more of something (a device) would exceed the tenant's plan. */
  PLAN_LIMIT: 'precondition',
  SYNC_RUNNING: 'conflict',
} as const satisfies Record<string, ErrorKind>;

/** A known failure code. */
export type AppErrorCode = keyof typeof codes;

/** The one error type of core: a code, a message a person can act on, and the cause kept. */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly kind: ErrorKind;
  /** Field-level problems (e.g. a flow definition's invalid expressions, by path). */
  readonly issues: { path: string; message: string }[] | undefined;
  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown; issues?: { path: string; message: string }[] }) {
    super(message, options);
    this.issues = options?.issues;
    this.name = 'AppError';
    this.code = code;
    this.kind = codes[code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
