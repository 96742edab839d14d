// The registration screen in a real browser against the real server and PostgreSQL (issue 14,
// Registration): a bad NIK shows its exact reason as typed, a good one fills the birth date and
// gender; the village is picked from the official regions; the monthly contribution is shown live
// from the rate table; registering lands on the new member's page with the KPJ; the API's field
// errors appear beside their fields; the same NIK again links to the member who holds it.
// axe-core on each state; the screen is saved to docs/screens at 1280 and 360 px.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { as } from '../auth.ts'
import { bpuMonthly, loadRateTable } from '../../src/programs/index.ts'
import { monthOf, todayJakarta } from '../../src/platform/dates.ts'
import { formatRupiah } from '../../web/src/lib/format.ts'
import { assertAccessible, launchBrowser, newPage, pageProblems, screenshot, SKIP_BROWSER, startWebServer, type WebServer } from './harness.ts'
import { TEST_PASSWORD } from '../auth.ts'

const skip = SKIP_BROWSER
if (skip) console.log(`# skipping the browser tests: ${skip}`)

let server: WebServer
let browser: Browser
const OFFICER = 'petugas.pendaftaran'
/** A man born 17 May 1990, NIK first issued in Kecamatan Bakung, Kabupaten Blitar. */
const NIK = '3505011705900001'
const JATEN = '35.05.01.2001'
/** Registered by the first test, the holder the second test is sent to. */
let registeredKpj = ''

before(async () => {
  if (skip) return
  ;[server, browser] = await Promise.all([startWebServer(), launchBrowser()])
  await as(server.t, 'branch_officer', { username: OFFICER, branchCodes: ['KC3505'] })
})

after(async () => {
  await browser?.close()
  await server?.close()
})

async function signInAndOpen(page: Page) {
  await page.goto('/login')
  await page.fill('#username', OFFICER)
  await page.fill('#password', TEST_PASSWORD)
  await page.click('button[type=submit]')
  await page.waitForURL('**/members')
  await page.getByRole('link', { name: 'Daftarkan peserta' }).click()
  await page.waitForURL('**/register')
  await page.locator('h1', { hasText: 'Daftarkan peserta' }).waitFor()
}

/** Waits until the field holds the value (a good NIK fills the birth date on the next render). */
async function waitForValue(page: Page, selector: string, value: string) {
  await page.waitForFunction(([sel, v]) => (document.querySelector(sel!) as HTMLInputElement | null)?.value === v, [selector, value])
}

/** Picks Desa Jaten (Kabupaten Blitar) by searching its name within Jawa Timur. */
async function pickJaten(page: Page) {
  await page.selectOption('#village-province', '35')
  await page.fill('#village-q', 'Jaten')
  const radio = page.locator(`input[name=villageCode][value="${JATEN}"]`)
  for (let i = 0; i < 10 && !(await radio.count()); i++) {
    const more = page.getByRole('button', { name: 'Tampilkan lebih banyak' })
    await Promise.race([radio.waitFor(), more.waitFor()])
    if (await radio.count()) break
    await more.click()
  }
  await radio.check()
  await page.locator('.picked', { hasText: JATEN }).waitFor()
}

async function fillTheRest(page: Page, phone: string) {
  await page.fill('#fullName', 'Bambang Setiawan')
  await page.fill('#birthPlace', 'Blitar')
  await page.fill('#motherMaidenName', 'Siti Aminah')
  await page.fill('#phone', phone)
  await page.fill('#address', 'Jl. Raya Jaten No. 5')
  await pickJaten(page)
  await page.selectOption('#occupation', 'petani')
  await page.fill('#monthlyIncome', '1000000')
  await page.selectOption('#ecosystem', 'desa')
}

test('a bad NIK shows its reason, a good one fills birth date and gender; the contribution is live; registering opens the member page', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl, 1280)
  try {
    await signInAndOpen(page)

    // As typed: 30 February does not exist; the reason is the API's own (same parseNik).
    await page.fill('#nik', '3505013002900001')
    assert.equal((await page.textContent('#nik-error'))?.trim(), 'Tanggal lahir pada NIK tidak valid: birth day 30 does not exist in February 1990')
    assert.equal(await page.getAttribute('#nik', 'aria-invalid'), 'true')
    await page.fill('#nik', '3505o')
    assert.equal((await page.textContent('#nik-error'))?.trim(), 'NIK hanya boleh berisi angka: character 5 is "o"; a NIK has digits only')
    // A short NIK waits for its digits while typed, and says so once the field is left.
    await page.fill('#nik', '35050117')
    assert.equal((await page.textContent('#nik-hint'))?.trim(), '8 dari 16 angka')

    await page.fill('#nik', NIK)
    await waitForValue(page, '#birthDate', '1990-05-17')
    assert.ok(await page.isChecked('input[name=gender][value=M]'))
    assert.equal((await page.textContent('#nik-hint'))?.trim(), 'NIK terbaca: lahir 17 Mei 1990, Laki-laki.')

    await fillTheRest(page, '081234500001')

    // The figure the bill will carry: the server's calculator over the same rate table, this month.
    const month = monthOf(todayJakarta())
    const rates = await loadRateTable(server.t.db.sql)
    const expected = bpuMonthly(rates, { income: 1_000_000, programs: ['JKK', 'JKM'], occupationGroup: 'general', funding: 'self' }, month).total
    // PP 50/2025 halves JKK and JKM for general BPU from April to December 2026: Rp8,400, else Rp16,800.
    assert.equal(expected, month >= '2026-04' && month <= '2026-12' ? 8_400 : 16_800)
    const total = page.getByTestId('contribution-total')
    assert.equal((await total.textContent())?.trim(), `Jumlah: ${formatRupiah(expected, 'id')} per bulan`)
    await page.check('input[name=jht]')
    const withJht = bpuMonthly(rates, { income: 1_000_000, programs: ['JKK', 'JKM', 'JHT'], occupationGroup: 'general', funding: 'self' }, month).total
    assert.equal(withJht, expected + 20_000) // JHT: 2% of Rp1,000,000, never discounted
    await total.filter({ hasText: formatRupiah(withJht, 'id') }).waitFor()
    await page.uncheck('input[name=jht]')
    // An income below the lowest bound is refused beside the field, as the API would.
    await page.fill('#monthlyIncome', '900000')
    assert.match((await page.textContent('#monthlyIncome-error')) ?? '', /^Penghasilan yang dilaporkan di luar batas yang diizinkan: Rp900,000 is below the lowest declared income/)
    await page.fill('#monthlyIncome', '1000000')
    await total.filter({ hasText: formatRupiah(expected, 'id') }).waitFor()

    await assertAccessible(page, 'registration form')
    await screenshot(page, 'register')

    await page.getByRole('button', { name: 'Daftarkan', exact: true }).click()
    await page.waitForURL(/\/members\/\d{11}$/)
    registeredKpj = page.url().slice(-11)
    await page.getByText('Bambang Setiawan').first().waitFor()
    await page.getByText(registeredKpj).first().waitFor()
    const [row] = await server.t.db.sql<{ birth_date: string; gender: string; village_code: string }[]>`
      SELECT birth_date::text, gender, village_code FROM participant WHERE kpj = ${registeredKpj}`
    assert.deepEqual({ ...row }, { birth_date: '1990-05-17', gender: 'M', village_code: JATEN })
    assert.deepEqual(pageProblems(page), [])
  } finally {
    await context.close()
  }
})

test('the API refuses a field beside it; the same NIK again links to the member who holds it (360 px)', { skip }, async () => {
  assert.ok(registeredKpj, 'the first test registered the holder')
  const { context, page } = await newPage(browser, server.baseUrl, 360)
  try {
    await signInAndOpen(page)
    await page.fill('#nik', NIK)
    await waitForValue(page, '#birthDate', '1990-05-17')
    // A landline is not a mobile number: only the API knows, and says so beside the field.
    await fillTheRest(page, '0342123456')
    await page.getByRole('button', { name: 'Daftarkan', exact: true }).click()
    const phoneError = page.locator('#phone-error')
    await phoneError.waitFor()
    assert.match((await phoneError.textContent()) ?? '', /^Nomor telepon tidak valid: "0342123456" is not an Indonesian mobile number/)
    assert.equal(await page.getAttribute('#phone', 'aria-invalid'), 'true')

    await page.fill('#phone', '081234500002')
    assert.equal(await phoneError.count(), 0, 'the error goes once the field is changed')
    await page.getByRole('button', { name: 'Daftarkan', exact: true }).click()
    const holder = page.getByRole('link', { name: `Buka peserta pemegang NIK ini (KPJ ${registeredKpj})` })
    await holder.waitFor()
    assert.match((await page.textContent('#nik-error')) ?? '', new RegExp(`^NIK sudah terdaftar sebagai peserta: this NIK is already registered as KPJ ${registeredKpj}`))
    await assertAccessible(page, 'registration refused as a duplicate')
    await screenshot(page, 'register')
    await holder.click()
    await page.waitForURL(`**/members/${registeredKpj}`)
    await page.getByText('Bambang Setiawan').first().waitFor()
    const [count] = await server.t.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM participant WHERE full_name = 'Bambang Setiawan'`
    assert.equal(count?.n, 1)
    assert.deepEqual(pageProblems(page), [])
  } finally {
    await context.close()
  }
})
