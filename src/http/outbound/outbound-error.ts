/**
 * A tenant-settable URL pointed somewhere Tollgate does not call (see AddressPolicy), or the answer
 * broke a bound (size, time, a redirect). `reason` is safe to show to whoever set the URL.
 */
export class OutboundRefusedError extends Error {
  override name = 'OutboundRefusedError';
  readonly code = 'outbound_refused';

  constructor(
    readonly destination: string,
    readonly reason: string,
  ) {
    super(`Outbound request to ${destination} refused: ${reason}.`);
  }
}
