// Member self-service, the card screen and user administration in a real browser (Chromium)
// against the real server and PostgreSQL: a member activates their account from the sign-in
// page and sees only themself; their card shows the QR code, whose URL opens the public /verify
// page with the masked name and status; an administrator creates a branch officer who then signs
// in. axe-core checks every screen; screenshots at 360 and 1280 px go to docs/screens.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { as, TEST_PASSWORD } from '../auth.ts'
import { assertAccessible, heading, launchBrowser, newPage, pageProblems, screenshot, SKIP_BROWSER, startWebServer, type WebServer } from './harness.ts'

const skip = SKIP_BROWSER
if (skip) console.log(`# skipping the browser tests: ${skip}`)

let server: WebServer
let browser: Browser
const ADMIN = 'admin.selfservice'
/** Registered through the API: Sutrisno Wibowo, born 17 May 1990, mother Sri Rahayu (KC Blitar). */
const member = { kpj: '', nik: '3505011705900001', birthDate: '1990-05-17', mother: 'Sri Rahayu', name: 'Sutrisno Wibowo' }
/** Another member of the same branch, whom the first must never see. */
let neighbour = ''

before(async () => {
  if (skip) return
  ;[server, browser] = await Promise.all([startWebServer(), launchBrowser()])
  const admin = await as(server.t, 'admin', { username: ADMIN })
  const common = {
    birthPlace: 'Blitar',
    phone: '081234567890',
    occupation: 'petani',
    monthlyIncome: 1_000_000,
    programs: ['JKK', 'JKM'],
    ecosystem: 'desa',
    channel: 'branch',
    address: 'Jl. Raya Jaten No. 12',
    villageCode: '35.05.01.2001',
  }
  const register = async (body: Record<string, unknown>) => {
    const r = await server.t.app.inject({ method: 'POST', url: '/api/v1/participants', headers: admin.headers, payload: { ...common, ...body } })
    assert.equal(r.statusCode, 201, r.body)
    return (r.json() as { kpj: string }).kpj
  }
  member.kpj = await register({ nik: member.nik, fullName: member.name, birthDate: member.birthDate, gender: 'M', motherMaidenName: member.mother })
  neighbour = await register({ nik: '3505015203850002', fullName: 'Siti Tetangga', birthDate: '1985-03-12', gender: 'F', motherMaidenName: 'Wartini' })
})

after(async () => {
  await browser?.close()
  await server?.close()
})

/** Both widths: the screen as it is, saved and checked at 1280 and at 360 px. */
async function bothWidths(page: Page, name: string) {
  for (const width of [1280, 360] as const) {
    await page.setViewportSize({ width, height: width === 360 ? 780 : 860 })
    await assertAccessible(page, `${name} at ${width} px`)
    await screenshot(page, name)
  }
  await page.setViewportSize({ width: 1280, height: 860 })
}

async function fillActivation(page: Page, mother: string) {
  await page.fill('#kpj', member.kpj)
  await page.fill('#nik', member.nik)
  await page.fill('#birthDate', member.birthDate)
  await page.fill('#motherMaidenName', mother)
  await page.fill('#password', 'kebun kopi di lereng kelud')
  await page.fill('#confirm', 'kebun kopi di lereng kelud')
  await page.click('button[type=submit]')
}

test('a member activates from the sign-in page, lands on their own page, and cannot open anyone else’s', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl)
  try {
    await page.goto('/login')
    await page.getByRole('link', { name: 'Peserta yang belum punya akun? Aktifkan akun Anda' }).click()
    await page.waitForURL('**/activate')
    await heading(page, 'Aktifkan akun peserta')
    await bothWidths(page, 'activation')

    // A wrong mother's name: the one generic answer, naming no field, in Indonesian.
    await fillActivation(page, 'Siti Aminah')
    const alert = page.getByRole('alert')
    assert.equal(await alert.locator('[data-code]').getAttribute('data-code'), 'ACTIVATION_FAILED')
    assert.match((await alert.textContent()) ?? '', /tidak cocok dengan data kepesertaan kami/)
    assert.equal(await page.inputValue('#password'), '', 'the password is cleared')
    await assertAccessible(page, 'activation with an error')

    await fillActivation(page, 'sri rahayu')
    await page.waitForURL(`**/members/${member.kpj}`)
    await heading(page, member.name)

    // Another member's page, typed into the address bar: not found, as if it did not exist.
    await page.goto(`/members/${neighbour}`)
    await page.getByRole('alert').filter({ hasText: /.+/ }).waitFor()
    assert.equal(await page.evaluate(async (k) => (await fetch(`/api/v1/participants/${k}`)).status, neighbour), 404)
    assert.equal(await page.locator('text=Siti Tetangga').count(), 0)
    assert.deepEqual(pageProblems(page).filter((p) => !/404/.test(p)), [])
  } finally {
    await context.close()
  }
})

test('the member’s card shows name, KPJ, programs, status and a QR code whose URL verifies the card', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl)
  try {
    await page.goto('/login')
    await page.fill('#username', member.kpj)
    await page.fill('#password', 'kebun kopi di lereng kelud')
    await page.click('button[type=submit]')
    await heading(page, member.name)
    await page.getByRole('link', { name: 'Kartu peserta digital' }).click()
    await heading(page, 'Kartu peserta')
    // No card yet: the member issues their own.
    await page.getByRole('button', { name: 'Terbitkan kartu' }).click()
    const qr = page.getByTestId('card-qr')
    await qr.waitFor()
    assert.equal(await page.getByTestId('card-kpj').textContent(), member.kpj)
    assert.equal(await page.locator('#card-name').textContent(), member.name)
    assert.equal(await page.getByTestId('card-status').textContent(), 'Belum membayar')
    assert.ok(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the QR image is drawn')
    const pdf = await page.getByRole('link', { name: 'Unduh PDF' }).getAttribute('href')
    const head = await page.evaluate(async (u) => {
      const r = await fetch(u!)
      return { status: r.status, type: r.headers.get('content-type'), magic: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)) }
    }, pdf)
    assert.deepEqual(head, { status: 200, type: 'application/pdf', magic: '%PDF-' })
    await bothWidths(page, 'card')
    // On paper the card stands alone: no header, no links, no buttons.
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.locator('header.top').isVisible(), false)
    assert.equal(await page.getByRole('button', { name: 'Cetak' }).isVisible(), false)
    assert.equal(await qr.isVisible(), true)
    await page.emulateMedia({ media: 'screen' })

    // What the QR holds, opened in the browser: the public page, the name masked.
    const url = (await qr.getAttribute('data-verify-url'))!
    assert.match(url, /\/verify\/[A-Za-z0-9_.-]+$/)
    const verify = await context.newPage()
    await verify.goto(url)
    const text = (await verify.textContent('body')) ?? ''
    assert.ok(text.includes(member.kpj), text)
    assert.ok(text.includes('S******* W*****'), text)
    assert.ok(!text.includes(member.name) && !text.includes(member.nik), 'no full name, no NIK')
    await assertAccessible(verify, 'verify page')
  } finally {
    await context.close()
  }
})

test('an administrator creates a branch officer, who can then sign in', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl)
  try {
    await page.goto('/login')
    await page.fill('#username', ADMIN)
    await page.fill('#password', TEST_PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL('**/members')
    await page.getByRole('link', { name: 'Pengguna' }).click()
    await heading(page, 'Administrasi pengguna')
    await page.fill('#new-username', 'petugas.baru')
    await page.fill('#new-name', 'Petugas Baru')
    await page.selectOption('#new-role', 'branch_officer')
    await page.fill('#new-branches', 'kc3505')
    await page.getByRole('button', { name: 'Buat pengguna' }).click()
    const secret = page.getByTestId('generated-password')
    await secret.waitFor()
    const password = (await secret.textContent())!.trim()
    assert.ok(password.length >= 10)
    await page.locator('[data-username="petugas.baru"]').waitFor()
    assert.match((await page.locator('[data-username="petugas.baru"]').textContent()) ?? '', /Petugas kantor cabang · KC3505/)
    await bothWidths(page, 'admin-users')

    await page.getByRole('button', { name: 'Keluar' }).click()
    await page.waitForURL('**/login')
    await page.fill('#username', 'petugas.baru')
    await page.fill('#password', password)
    await page.click('button[type=submit]')
    await page.waitForURL('**/members')
    await heading(page, 'Cari peserta')
    // A branch officer has no administration.
    assert.equal(await page.getByRole('link', { name: 'Pengguna' }).count(), 0)
  } finally {
    await context.close()
  }
})
