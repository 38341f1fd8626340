/**
 * The tests' deterministic generator (mulberry32): the same values for the same seed on every
 * run. It is the demo seeds' own (one implementation, src/util), re-exported here so tests find
 * it beside their other helpers.
 */
export { seededRandom } from '../../src/util/seeded-random.js';
