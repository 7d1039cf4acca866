export {
  openEgress,
  sweepEgress,
  EgressStartError,
  EgressUnavailableError,
  LABEL_EGRESS,
  type Egress,
  type EgressDecision,
} from './egress.js';
export { DEFAULT_EGRESS_ALLOW, egressAllowList, EgressAllowError } from './allow.js';
