import { test } from 'node:test'
import assert from 'node:assert/strict'
import { amountsPerMonth } from './amounts.ts'

test('a bill crossing the PP 50/2025 discount: March 2026 at Rp16,800, April 2026 at Rp8,400 (JKK+JKM half off)', () => {
  const line = (period: string, program: string, amount: number) => ({ period, program, amount, baseAmount: amount, discount: 0, rateIds: [], regulation: 'PP 44/2015' })
  const bill = {
    periods: ['2026-03', '2026-04'],
    lines: [line('2026-03', 'JKK', 10_000), line('2026-03', 'JKM', 6_800), line('2026-04', 'JKK', 5_000), line('2026-04', 'JKM', 3_400)],
  }
  assert.deepEqual(amountsPerMonth(bill), [{ period: '2026-03', amount: 16_800 }, { period: '2026-04', amount: 8_400 }])
})
