import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import { costLimitPlugin, MAX_COST, PageSizeRule } from './cost.js';
import { QueryTooComplexError } from './errors.js';

/** SPEC §7: the shape limits every operation must fit in. */
export const QUERY_LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  /** See `cost.ts`: page sizes come from the variables, so it is checked once the operation is known. */
  maxCost: MAX_COST,
  maxTokens: 2000,
  maxDirectives: 50,
} as const;

// armor reports a breach as a plain "Syntax Error"; report it with our stable code instead
const reject: GraphQLArmorRejectCallback = (context, error) => {
  context?.reportError(new QueryTooComplexError(error.message.replace(/^Syntax Error: /, '')));
};

/** graphql-js's own parse option enforces the token limit (armor's parse plugin turns syntax errors into 500s). */
export const PARSE_OPTIONS = { maxTokens: QUERY_LIMITS.maxTokens } as const;

// graphql 16 spells it "more that"; accept the corrected spelling of later versions too
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more tha[nt] \d+ tokens/;

/** True for the parse error graphql-js raises when a document exceeds {@link PARSE_OPTIONS}. */
export function isTokenLimitError(message: string): boolean {
  return TOKEN_LIMIT_MESSAGE.test(message);
}

/**
 * Apollo plugins and validation rules enforcing {@link QUERY_LIMITS} (but the token limit).
 * `fieldSuggestions` keeps graphql-js's "Did you mean …?" hints (development: a wrong guess gets a
 * hint); off, they are removed, so errors cannot map out the schema (production).
 */
export function queryLimits({ fieldSuggestions = false } = {}): ReturnType<ApolloArmor['protect']> {
  const callbacks = { onReject: [reject], propagateOnRejection: false };
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth, ...callbacks },
    maxAliases: { n: QUERY_LIMITS.maxAliases, ...callbacks },
    // armor's cost rule cannot see variables (`first: $n`): ours (cost.ts) replaces it
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives, ...callbacks },
    blockFieldSuggestion: { enabled: !fieldSuggestions },
  }).protect();
  return {
    ...armor,
    plugins: [...armor.plugins, costLimitPlugin() as unknown as (typeof armor.plugins)[number]],
    validationRules: [PageSizeRule, ...armor.validationRules],
  };
}
