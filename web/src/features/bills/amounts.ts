// Pure arithmetic of a bill's lines, apart from the API client so node:test checks it.

/** A bill's amount per month: the sum of its program lines for each period, in the bill's order. */
export function amountsPerMonth(bill: { periods: string[]; lines: { period: string; amount: number }[] }): { period: string; amount: number }[] {
  return bill.periods.map((period) => ({ period, amount: bill.lines.filter((l) => l.period === period).reduce((sum, l) => sum + l.amount, 0) }))
}
