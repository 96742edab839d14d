// Public surface of the membership card module: issuing, revoking and verifying digital cards.
export { cardRoutes, cardPages } from './routes.ts'
export { issueCard, currentCard, revokeCard, verifyCard, REVOKE_REASONS, type CardFacts, type VerifiedCard, type RevokeReason } from './cards.ts'
export { cardTokenKey, signCardToken, readCardToken, type CardClaims } from './token.ts'
export { CardErrors } from './errors.ts'
