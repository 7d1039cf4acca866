// Helpers working in parallel: read docs/CONTRACTS.md first (shared names, commit rules, deadline 01:15 UTC).
export {};
