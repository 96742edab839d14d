// `npm run build:web`: builds web/ into web/dist and prints the first screen's compressed size;
// exits 1 when it is over the 150 kB budget (src/web/build.ts). `jamsos start` and `npm test` build
// on their own when web/dist is missing or stale; this builds unconditionally.
import { buildWeb, WebBudgetError } from '../src/web/index.ts'

try {
  await buildWeb({ print: (text) => console.log(text) })
} catch (e) {
  if (!(e instanceof WebBudgetError)) throw e
  console.error(e.message)
  process.exit(1)
}
