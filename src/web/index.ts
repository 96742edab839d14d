// The web app's server side: building web/ (Vite) and serving the build at `/`.
export { buildWeb, ensureWebBuilt, formatReport, webIsStale, WebBudgetError, WEB_BUDGET_BYTES, WEB_DIST, type WebBuildReport } from './build.ts'
export { webRoutes } from './serve.ts'
