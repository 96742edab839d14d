import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generatePopulation } from './generator.ts'
import { coveredFrom, jakartaMonthIndex, monthIndexOf, paidThrough, yearMonthOf } from './history.ts'

const people = [...generatePopulation({ count: 5_000, seed: 11 })]
const UNTIL_END = new Date('2025-12-31T17:00:00Z') // 1 January 2026, 00:00 WIB

test('month indices read and write YYYY-MM', () => {
  assert.equal(monthIndexOf('2025-03'), 2025 * 12 + 2)
  assert.equal(yearMonthOf(monthIndexOf('2025-12')), '2025-12')
  assert.equal(yearMonthOf(monthIndexOf('2025-12') + 1), '2026-01')
  // 31 January 2025, 23:30 WIB is still January in Jakarta; 17:30 UTC is already 1 February.
  assert.equal(yearMonthOf(jakartaMonthIndex(Date.parse('2025-01-31T16:30:00Z'))), '2025-01')
  assert.equal(yearMonthOf(jakartaMonthIndex(Date.parse('2025-01-31T17:30:00Z'))), '2025-02')
})

test('arrears may be paid up to 3 months after protection ends; later, a restart pays from the current month', () => {
  const through = monthIndexOf('2025-03')
  assert.equal(yearMonthOf(coveredFrom(through, monthIndexOf('2025-03'))), '2025-04') // paying ahead
  assert.equal(yearMonthOf(coveredFrom(through, monthIndexOf('2025-05'))), '2025-04') // 2 months behind
  assert.equal(yearMonthOf(coveredFrom(through, monthIndexOf('2025-06'))), '2025-04') // 3 months behind
  assert.equal(yearMonthOf(coveredFrom(through, monthIndexOf('2025-07'))), '2025-07') // more than 3: restart
})

test('each payment covers consecutive months, none before registration, paid after registration and before the end', () => {
  for (const p of people) {
    const regMonth = yearMonthOf(jakartaMonthIndex(p.registeredAt.getTime()))
    let lastAt = p.registeredAt.getTime()
    for (const pay of p.payments) {
      assert.ok(pay.periods.length >= 1)
      for (let i = 1; i < pay.periods.length; i++) {
        assert.equal(monthIndexOf(pay.periods[i]!), monthIndexOf(pay.periods[i - 1]!) + 1, `${p.nik} ${pay.periods}`)
      }
      assert.ok(pay.periods[0]! >= regMonth, `${p.nik} pays ${pay.periods[0]} before registering in ${regMonth}`)
      assert.ok(pay.paidAt.getTime() > lastAt, `${p.nik} payments out of order`)
      assert.ok(pay.paidAt < UNTIL_END)
      lastAt = pay.paidAt.getTime()
    }
  }
})

test('every payment follows the arrears rule: it continues the cover, or restarts in its own month', () => {
  let late = 0
  for (const p of people) {
    for (let i = 1; i < p.payments.length; i++) {
      const through = monthIndexOf(paidThrough(p.payments.slice(0, i))!)
      const pay = p.payments[i]!
      const paidMonth = jakartaMonthIndex(pay.paidAt.getTime())
      assert.equal(monthIndexOf(pay.periods[0]!), coveredFrom(through, paidMonth), `${p.nik} payment ${i}`)
      // Arrears are paid together with the current month.
      assert.ok(monthIndexOf(pay.periods.at(-1)!) >= paidMonth)
      if (paidMonth - through === 2) late++
      // Clear of the boundary: behind by at most 2 months, or by at least 5.
      assert.ok(paidMonth - through <= 2 || paidMonth - through >= 5, `${p.nik} pays ${paidMonth - through} months after cover ended`)
    }
  }
  assert.ok(late > 0, 'some payments are in arrears')
})

test('some workers lapse for more than 3 months and come back; some never pay', () => {
  const reactivated = people.filter((p) =>
    p.payments.some((pay, i) => i > 0 && monthIndexOf(pay.periods[0]!) - monthIndexOf(paidThrough(p.payments.slice(0, i))!) > 3),
  )
  assert.ok(reactivated.length > 20, `${reactivated.length} reactivations`)
  const never = people.filter((p) => p.payments.length === 0).length
  assert.ok(never / people.length > 0.02 && never / people.length < 0.12, `never paid ${never}`)
})

test('most payments cover one month; some 3, 6 or 12 months at a time', () => {
  const lengths = new Map<number, number>()
  for (const p of people) for (const pay of p.payments) lengths.set(pay.periods.length, (lengths.get(pay.periods.length) ?? 0) + 1)
  const total = [...lengths.values()].reduce((a, b) => a + b, 0)
  assert.ok(lengths.get(1)! / total > 0.6)
  for (const n of [3, 6, 12]) assert.ok((lengths.get(n) ?? 0) > 0, `no ${n}-month payments`)
})

test('payments happen in waking hours in Jakarta (auto-debits at night), some late on the last evening of a month', () => {
  let daytime = 0
  let monthEndEvening = 0
  let total = 0
  for (const p of people) {
    for (const pay of p.payments) {
      const wib = new Date(pay.paidAt.getTime() + 7 * 3_600_000)
      const hour = wib.getUTCHours()
      total++
      if (pay.channel === 'autodebit' || (hour >= 6 && hour < 23)) daytime++
      const lastDay = new Date(Date.UTC(wib.getUTCFullYear(), wib.getUTCMonth() + 1, 0)).getUTCDate()
      if (wib.getUTCDate() === lastDay && hour >= 19) monthEndEvening++
    }
  }
  assert.ok(daytime / total > 0.97, `daytime share ${daytime / total}`)
  assert.ok(monthEndEvening > 0)
})
