// The member page in a real browser (issue 14): the coverage timeline with each month's reason,
// bills, payments, heirs and the change history; creating a bill and seeing its payment code and
// amount per month. axe-core on each screen; screenshots at 360 and 1280 px into docs/screens.
// The member's payments are a history import (the system actor may give receivedAt a past
// instant), placed relative to today's Jakarta month T: T-5..T-3 paid on the 5th of T-5, then
// T-2..T billed and paid today as arrears, in grace (Perdir 22/PERDIR.02/072022).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { as, TEST_PASSWORD } from '../auth.ts'
import { SYSTEM_ACTOR } from '../../src/platform/actor.ts'
import { addMonths, jakartaDate, monthOf } from '../../src/platform/dates.ts'
import { createBill, postPayments } from '../../src/contributions/index.ts'
import { formatDate, formatMonth, formatRupiah } from '../../web/src/lib/format.ts'
import { assertAccessible, launchBrowser, newPage, pageProblems, registerSitiAminah, screenshot, SKIP_BROWSER, startWebServer, type WebServer } from './harness.ts'

const skip = SKIP_BROWSER
if (skip) console.log(`# skipping the browser tests: ${skip}`)

let server: WebServer
let browser: Browser
let kpj: string
const officer = 'petugas.blitar.w3'
const today = jakartaDate(new Date())
const T = monthOf(today)
const policy = { graceMonths: 3, billMonths: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] }

before(async () => {
  if (skip) return
  ;[server, browser] = await Promise.all([startWebServer(), launchBrowser()])
  const t = server.t
  const admin = await as(t, 'admin')
  await as(t, 'branch_officer', { username: officer, branchCodes: ['KC3505'] })
  kpj = await registerSitiAminah(t, admin.headers)
  const actor = { ...SYSTEM_ACTOR, name: 'e2e history import' }
  const first = new Date(`${addMonths(T, -5)}-05T03:00:00Z`)
  const pay = async (at: Date, months: number, reference: string) => {
    const bill = await createBill({ db: t.db.sql, actor, now: at, policy }, kpj, months)
    const [out] = await postPayments({ db: t.db.sql, actor, now: at, policy }, [
      { paymentCode: bill.paymentCode, amount: bill.amount, reference, channel: 'bank_va', paidAt: at.toISOString(), receivedAt: at.toISOString() },
    ])
    assert.ok(out && !('code' in out), String(out))
    return bill
  }
  assert.deepEqual((await pay(first, 3, 'VA-1')).periods, [addMonths(T, -5), addMonths(T, -4), addMonths(T, -3)])
  // In grace since the 1st of T-2: the new bill starts with the arrears.
  assert.deepEqual((await pay(new Date(Date.now() - 60_000), 3, 'VA-2')).periods, [addMonths(T, -2), addMonths(T, -1), T])
})

after(async () => {
  await browser?.close()
  await server?.close()
})

async function signIn(page: Page) {
  await page.goto('/login')
  await page.fill('#username', officer)
  await page.fill('#password', TEST_PASSWORD)
  await page.click('button[type=submit]')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

const why = (page: Page) => page.getByTestId('timeline-why')
const cell = (page: Page, period: string) => page.locator(`.timeline button[data-period="${period}"]`)

test('the member page shows the coverage timeline, and each month says why, by click and by keyboard', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl)
  try {
    await signIn(page)
    await page.goto(`/members/${kpj}`)
    await page.locator('h1').filter({ hasText: 'Siti Aminah' }).waitFor()
    await page.locator('.timeline').waitFor()
    // 24 months up to today's, nothing paid ahead yet.
    assert.equal(await page.locator('.timeline button').count(), 24)
    assert.equal(await cell(page, addMonths(T, -23)).getAttribute('title'), `${formatMonth(addMonths(T, -23), 'id')}: Belum membayar`)
    // The current month is chosen at first: paid today with the arrears.
    assert.equal(await cell(page, T).getAttribute('aria-pressed'), 'true')
    assert.equal(await cell(page, T).getAttribute('title'), `${formatMonth(T, 'id')}: Aktif`)
    const todayText = formatDate(today, 'id')
    assert.match((await why(page).textContent())!, new RegExp(`Dibayar, diterima ${todayText} \\(pembayaran \\d+\\).*Dasar: PP 44/2015\\.`))
    // T-2 ran unpaid, in grace; its arrears were paid today.
    await cell(page, addMonths(T, -2)).click()
    await why(page).locator('h3').filter({ hasText: `${formatMonth(addMonths(T, -2), 'id')}: Masa tenggang` }).waitFor()
    const arrears = (await why(page).textContent())!
    assert.match(arrears, new RegExp(`tunggakan dibayar, diterima ${todayText}`))
    assert.match(arrears, /Dasar: Perdir 22\/PERDIR\.02\/072022\./)
    // By keyboard: focus the month before and press Enter.
    await cell(page, addMonths(T, -3)).focus()
    await page.keyboard.press('Enter')
    await why(page).locator('h3').filter({ hasText: `${formatMonth(addMonths(T, -3), 'id')}: Aktif` }).waitFor()
    assert.match((await why(page).textContent())!, new RegExp(`Dibayar, diterima ${formatDate(`${addMonths(T, -5)}-05`, 'id')}`))
    assert.equal(await cell(page, addMonths(T, -3)).getAttribute('aria-pressed'), 'true')
    // Bills and payments: two bills paid, two payments.
    assert.equal(await page.locator('section[aria-labelledby=bills-title] tbody tr').count(), 2)
    assert.equal(await page.locator('section[aria-labelledby=bills-title] .badge-bill-paid').count(), 2)
    assert.equal(await page.locator('section[aria-labelledby=payments-title] tbody tr').count(), 2)
    // Each payment names its channel in the chosen language (GET /payment-channels), not by its code.
    await page.locator('section[aria-labelledby=payments-title] td').filter({ hasText: /^Virtual account bank$/ }).first().waitFor()
    await assertAccessible(page, 'member page with timeline')
    await cell(page, addMonths(T, -2)).click()
    await screenshot(page, 'member-timeline')
    await page.setViewportSize({ width: 360, height: 780 })
    await assertAccessible(page, 'member page with timeline at 360 px')
    await screenshot(page, 'member-timeline')
    // In English, the same reason.
    await page.setViewportSize({ width: 1280, height: 860 })
    await page.selectOption('select#lang', 'en')
    await why(page).locator('h3').filter({ hasText: `${formatMonth(addMonths(T, -2), 'en')}: Grace period` }).waitFor()
    assert.match((await why(page).textContent())!, /the arrears were paid, received .*Rule: Perdir 22\/PERDIR\.02\/072022\./)
    assert.deepEqual(pageProblems(page), [])
  } finally {
    await context.close()
  }
})

test('a bill for 2 months from the member page shows its payment code and amount per month', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl)
  try {
    await signIn(page)
    await page.goto(`/members/${kpj}`)
    await page.getByRole('link', { name: 'Buat tagihan' }).click()
    await page.locator('h1').filter({ hasText: 'Buat tagihan iuran' }).waitFor()
    await assertAccessible(page, 'new bill')
    await page.selectOption('#bill-months', '2')
    await page.getByRole('button', { name: 'Buat tagihan' }).click()
    const code = (await page.getByTestId('payment-code').textContent())!.trim()
    assert.match(code, /^[0-9]{15}$/)
    // The bill the API holds: the next two months after today's, priced by the rate table.
    const officerSession = await as(server.t, 'branch_officer', { branchCodes: ['KC3505'] })
    const bills = (await server.t.app.inject({ method: 'GET', url: `/api/v1/participants/${kpj}/bills`, headers: officerSession.headers })).json() as {
      paymentCode: string; periods: string[]; amount: number; status: string; lines: { period: string; amount: number }[]
    }[]
    const bill = bills[0]!
    assert.deepEqual([bill.paymentCode, bill.periods, bill.status], [code, [addMonths(T, 1), addMonths(T, 2)], 'open'])
    const rows = await page.locator('[data-testid=bill] tbody tr').allTextContents()
    const perMonth = bill.periods.map((p) => bill.lines.filter((l) => l.period === p).reduce((s, l) => s + l.amount, 0))
    // JKK 1% of Rp1,000,000 and JKM Rp6,800 (PP 44/2015), half off in 2026 for BPU outside transport (PP 50/2025).
    for (const a of perMonth) assert.ok(a === 16_800 || a === 8_400, `Rp${a} a month`)
    assert.deepEqual(rows, bill.periods.map((p, i) => `${formatMonth(p, 'id')}${formatRupiah(perMonth[i]!, 'id')}`))
    assert.equal((await page.getByTestId('bill-total').textContent())!.trim(), formatRupiah(bill.amount, 'id'))
    assert.equal(bill.amount, perMonth[0]! + perMonth[1]!)
    await assertAccessible(page, 'bill')
    await screenshot(page, 'bill')
    await page.setViewportSize({ width: 360, height: 780 })
    await assertAccessible(page, 'bill at 360 px')
    await screenshot(page, 'bill')
    // Back on the member page, the new bill is listed as open.
    await page.getByRole('link', { name: 'Kembali ke halaman peserta' }).click()
    await page.locator('section[aria-labelledby=bills-title] tbody tr').filter({ hasText: code }).filter({ hasText: 'Belum dibayar' }).waitFor()
    assert.deepEqual(pageProblems(page), [])
  } finally {
    await context.close()
  }
})

test('an heir is added and removed, and the change history shows both', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl)
  try {
    await signIn(page)
    await page.goto(`/members/${kpj}`)
    await page.locator('#heir-name').waitFor()
    await page.fill('#heir-name', 'Budi Santoso')
    await page.selectOption('#heir-relationship', 'child')
    await page.fill('#heir-birth', '2015-02-03')
    await page.getByRole('button', { name: 'Tambah ahli waris' }).click()
    await page.locator('.heirs li').filter({ hasText: 'Budi Santoso (Anak), 3 Februari 2015' }).waitFor()
    await page.locator('section[aria-labelledby=history-title] td').filter({ hasText: /^Ahli waris ditambahkan$/ }).waitFor()
    await page.getByRole('button', { name: 'Hapus Budi Santoso' }).click()
    await page.getByText('Ahli waris dihapus (tetap tercatat di riwayat).').waitFor()
    await page.getByText('Belum ada ahli waris.').waitFor()
    assert.equal(await page.locator('.heirs li').count(), 0)
    await page.locator('section[aria-labelledby=history-title] td').filter({ hasText: /^Ahli waris dihapus$/ }).waitFor()
    await assertAccessible(page, 'member page after heirs')
    assert.deepEqual(pageProblems(page), [])
  } finally {
    await context.close()
  }
})
