/// <reference types="vite/client" />

// The app imports a few of the server's pure modules (the NIK rules, the contribution calculator:
// one code for both). Their types reach src/platform/db-types.ts, which types bytea columns as
// Node's Buffer; no such value ever reaches the browser, so the name only has to exist here.
// (Not @types/node: that would let browser code use Node globals unchecked.)
type Buffer = Uint8Array
