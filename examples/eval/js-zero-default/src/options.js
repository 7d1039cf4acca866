/** Retry options with defaults; 0 retries is a valid choice. */
export function retryOptions(given = {}) {
  return {
    retries: given.retries || 3,
    delayMs: given.delayMs ?? 100,
  };
}
