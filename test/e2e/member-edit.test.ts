// Changing a member from their page in a real browser against the real server and PostgreSQL
// (issue 14, Member page: "edit contact, address, occupation, income and programs with the same
// checks as the API"): the new monthly contribution is priced live by the server's calculator over
// the rate table; an income out of bounds is refused beside its field before sending; the change
// is sent with the session's CSRF token, and the member page then shows the new values and the
// change in its history; a bad phone comes back from the API as its reason beside the field, and
// nothing is written. axe-core on the edit screen; screenshots at 1280 and 360 px into docs/screens.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { as, TEST_PASSWORD, type RoleSession } from '../auth.ts'
import { bpuMonthly, loadRateTable } from '../../src/programs/index.ts'
import { monthOf, todayJakarta } from '../../src/platform/dates.ts'
import { formatRupiah } from '../../web/src/lib/format.ts'
import { assertAccessible, launchBrowser, newPage, pageProblems, registerSitiAminah, screenshot, SKIP_BROWSER, startWebServer, type WebServer } from './harness.ts'

const skip = SKIP_BROWSER
if (skip) console.log(`# skipping the browser tests: ${skip}`)

let server: WebServer
let browser: Browser
let admin: RoleSession
let kpj: string
const OFFICER = 'petugas.ubah.w6'

before(async () => {
  if (skip) return
  ;[server, browser] = await Promise.all([startWebServer(), launchBrowser()])
  admin = await as(server.t, 'admin')
  await as(server.t, 'branch_officer', { username: OFFICER, branchCodes: ['KC3505'] })
  kpj = await registerSitiAminah(server.t, admin.headers)
})

after(async () => {
  await browser?.close()
  await server?.close()
})

/** The member as the API holds them now. */
async function stored(): Promise<{ phone: string; monthlyIncome: number; programs: string[]; version: number }> {
  const r = await server.t.app.inject({ method: 'GET', url: `/api/v1/participants/${kpj}`, headers: admin.headers })
  assert.equal(r.statusCode, 200, r.body)
  return r.json()
}

async function signInAndEdit(page: Page) {
  await page.goto('/login')
  await page.fill('#username', OFFICER)
  await page.fill('#password', TEST_PASSWORD)
  await page.click('button[type=submit]')
  await page.waitForURL('**/members')
  await page.goto(`/members/${kpj}`)
  await page.locator('h1', { hasText: 'Siti Aminah' }).waitFor()
  await page.getByRole('link', { name: 'Ubah data' }).click()
  await page.waitForURL(`**/members/${kpj}/edit`)
  await page.locator('h1', { hasText: 'Ubah data peserta' }).waitFor()
}

test('changing income and programs shows the new contribution live, saves, and the member page shows it and its history', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl)
  try {
    await signInAndEdit(page)
    // The form starts from the member as read.
    assert.equal(await page.inputValue('#phone'), '081234567891')
    assert.equal(await page.inputValue('#monthlyIncome'), '1000000')
    assert.equal(await page.isChecked('input[name=jht]'), false)
    await page.locator('.picked', { hasText: '35.05.01.2001' }).waitFor()

    // The figures the bills will carry: the server's calculator over the same rate table, this month.
    const month = monthOf(todayJakarta())
    const rates = await loadRateTable(server.t.db.sql)
    const before = bpuMonthly(rates, { income: 1_000_000, programs: ['JKK', 'JKM'], occupationGroup: 'general', funding: 'self' }, month).total
    // PP 50/2025 halves JKK and JKM for general BPU from April to December 2026: Rp8,400, else Rp16,800.
    assert.equal(before, month >= '2026-04' && month <= '2026-12' ? 8_400 : 16_800)
    const total = page.getByTestId('contribution-total')
    await total.filter({ hasText: formatRupiah(before, 'id') }).waitFor()

    // An income below the lowest bound is refused beside the field as it is typed, as the API would.
    await page.fill('#monthlyIncome', '900000')
    assert.match((await page.textContent('#monthlyIncome-error')) ?? '', /^Penghasilan yang dilaporkan di luar batas yang diizinkan: Rp900,000 is below the lowest declared income/)
    assert.equal(await page.getAttribute('#monthlyIncome', 'aria-invalid'), 'true')

    await page.fill('#monthlyIncome', '2500000')
    await page.check('input[name=jht]')
    const after = bpuMonthly(rates, { income: 2_500_000, programs: ['JKK', 'JKM', 'JHT'], occupationGroup: 'general', funding: 'self' }, month).total
    // JHT is 2% of the declared income, never discounted: Rp50,000 of Rp2,500,000.
    const withoutJht = bpuMonthly(rates, { income: 2_500_000, programs: ['JKK', 'JKM'], occupationGroup: 'general', funding: 'self' }, month).total
    assert.equal(after, withoutJht + 50_000)
    await total.filter({ hasText: formatRupiah(after, 'id') }).waitFor()
    assert.equal((await total.textContent())?.trim(), `Jumlah: ${formatRupiah(after, 'id')} per bulan`)
    assert.equal(await page.locator('#monthlyIncome-error').count(), 0)

    await assertAccessible(page, 'edit screen at 1280 px')
    await screenshot(page, 'member-edit')
    await page.setViewportSize({ width: 360, height: 780 })
    await assertAccessible(page, 'edit screen at 360 px')
    await screenshot(page, 'member-edit')
    await page.setViewportSize({ width: 1280, height: 860 })

    await page.getByRole('button', { name: 'Simpan perubahan' }).click()
    await page.waitForURL(`**/members/${kpj}?saved=1`)
    await page.getByRole('status').filter({ hasText: 'Perubahan disimpan.' }).waitFor()
    assert.equal((await page.getByTestId('income').textContent())?.trim(), `${formatRupiah(2_500_000, 'id')} per bulan`)
    await page.locator('section[aria-labelledby=membership-title] li', { hasText: 'Jaminan Hari Tua (JHT)' }).waitFor()
    // The history shows both changes, before and after.
    const history = page.locator('section[aria-labelledby=history-title] tbody')
    const income = history.locator('tr', { has: page.locator('td', { hasText: /^Penghasilan$/ }) })
    await income.waitFor()
    assert.match((await income.textContent()) ?? '', /monthlyIncome: 1000000.*monthlyIncome: 2500000/)
    const programs = history.locator('tr', { has: page.locator('td', { hasText: /^Program$/ }) })
    assert.match((await programs.textContent()) ?? '', /programs: JKK, JKM.*programs: JKK, JKM, JHT/)

    const now = await stored()
    assert.equal(now.monthlyIncome, 2_500_000)
    assert.deepEqual([...now.programs].sort(), ['JHT', 'JKK', 'JKM'])
    assert.deepEqual(pageProblems(page), [])
  } finally {
    await context.close()
  }
})

test("a bad phone comes back as the API's reason beside the field, in the chosen language, and nothing is written", { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl)
  try {
    const was = await stored()
    await signInAndEdit(page)
    await page.fill('#phone', '0342123456')
    await page.fill('#monthlyIncome', '3000000')
    await page.getByRole('button', { name: 'Simpan perubahan' }).click()
    const phoneError = page.locator('#phone-error')
    await phoneError.waitFor()
    assert.match((await phoneError.textContent()) ?? '', /^Nomor telepon tidak valid: "0342123456" is not an Indonesian mobile number/)
    assert.equal(await page.getAttribute('#phone', 'aria-invalid'), 'true')
    assert.equal((await page.textContent('#edit-failure'))?.trim(), 'Perubahan belum disimpan. Periksa isian yang ditandai.')
    await assertAccessible(page, 'edit screen with a field error')
    // One change of two refused: neither is written (the same transaction).
    const now = await stored()
    assert.equal(now.version, was.version)
    assert.equal(now.phone, '081234567891')
    assert.equal(now.monthlyIncome, was.monthlyIncome)

    // Changing the field clears its error; saving with nothing different says so without a request.
    await page.fill('#phone', '081234567891')
    assert.equal(await phoneError.count(), 0)
    await page.fill('#monthlyIncome', String(was.monthlyIncome))
    await page.getByRole('button', { name: 'Simpan perubahan' }).click()
    await page.locator('#edit-failure', { hasText: 'Belum ada yang diubah.' }).waitFor()
    assert.deepEqual(pageProblems(page), [])
  } finally {
    await context.close()
  }
})
