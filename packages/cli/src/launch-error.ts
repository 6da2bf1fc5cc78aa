/** A problem the person starting Conflux can fix; its message says what to do, and no stack is shown. */
export class LaunchError extends Error {
  override readonly name = 'LaunchError';
}
