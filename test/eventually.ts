// Waiting for background work in tests: poll a condition until it holds, within a bounded time.
// Never a fixed sleep: the test goes on the moment the condition holds, and fails, naming what it
// waited for, if it never does.
export async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
