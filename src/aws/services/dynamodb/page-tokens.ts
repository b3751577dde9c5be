// DynamoDB's NextTokens (ExecuteStatement, ListTagsOfResource, ListExports, ListImports,
// ListContributorInsights): the engine's signed page tokens. A token DynamoDB did not issue for the
// operation is a ValidationException, "Invalid NextToken", as ExecuteStatement has always said.
// (ExclusiveStartKey and ExclusiveStartTableName are not tokens: clients build them, so they stay.)
import { isInteger, pageTokens } from '../../../core/resources/page-token.ts';
import { validation } from './errors.ts';

/** Tokens around an index into a listing. */
export const indexTokens = pageTokens<number>({ invalid: () => validation('Invalid NextToken'), parse: isInteger });

/** Tokens around an item key in wire form (ExecuteStatement's SELECT pages). */
export const keyTokens = pageTokens<Record<string, unknown>>({
  invalid: () => validation('Invalid NextToken'),
  parse: (p) => (p !== null && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : undefined),
});
