/**
 * The tests' deterministic generator (mulberry32): the same values for the same seed on every
 * run. It is the demo seed's own (one implementation), re-exported here so tests find it beside
 * their other helpers.
 */
export { seededRandom } from '../../src/modules/routine/routine.demo.js';
