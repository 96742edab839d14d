// The web app in a real browser (Chromium) against the real server and PostgreSQL: signing in per
// role, the sign-in errors in the chosen language, switching language, finding a registered
// member and opening their page, and a KC Blitar officer who never sees a KC Malang member.
// axe-core checks every screen; the main screens are saved to docs/screens at 360 and 1280 px.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Browser, Page } from 'playwright-core'
import { as, TEST_PASSWORD } from '../auth.ts'
import { assertAccessible, heading, launchBrowser, newPage, pageProblems, screenshot, SKIP_BROWSER, startWebServer, type WebServer } from './harness.ts'

const skip = SKIP_BROWSER
if (skip) console.log(`# skipping the browser tests: ${skip}`)

let server: WebServer
let browser: Browser
/** Registered through the API: a petani in Desa Jaten, Kabupaten Blitar (KC3505). */
let blitar: { kpj: string; id: number }
/** Registered through the API in Kabupaten Malang (KC3507), with the same first name. */
let malang: { kpj: string }

const users = {
  admin: 'admin.e2e',
  officer: 'petugas.blitar',
  management: 'manajemen.e2e',
  member: 'peserta.sutrisno',
  locked: 'petugas.terkunci',
}

async function register(body: Record<string, unknown>, headers: Record<string, string>) {
  const r = await server.t.app.inject({ method: 'POST', url: '/api/v1/participants', headers, payload: body })
  assert.equal(r.statusCode, 201, r.body)
  return r.json() as { kpj: string }
}

before(async () => {
  if (skip) return
  ;[server, browser] = await Promise.all([startWebServer(), launchBrowser()])
  const t = server.t
  const admin = await as(t, 'admin', { username: users.admin, permissions: ['nik:reveal'] })
  await as(t, 'branch_officer', { username: users.officer, branchCodes: ['KC3505'] })
  await as(t, 'management', { username: users.management })
  await as(t, 'branch_officer', { username: users.locked, branchCodes: ['KC3505'] })
  const common = {
    birthPlace: 'Blitar',
    motherMaidenName: 'Sri Rahayu',
    phone: '081234567890',
    occupation: 'petani',
    monthlyIncome: 1_000_000,
    programs: ['JKK', 'JKM'],
    ecosystem: 'desa',
    channel: 'branch',
  }
  blitar = {
    ...(await register(
      { ...common, nik: '3505011705900001', fullName: 'Sutrisno Wibowo', birthDate: '1990-05-17', gender: 'M', address: 'Jl. Raya Jaten No. 12', villageCode: '35.05.01.2001' },
      admin.headers,
    )),
    id: 0,
  }
  blitar.id = Number(blitar.kpj.slice(0, -1)) // the KPJ is the id and a check digit
  const [village] = await t.db.sql<{ code: string }[]>`SELECT code FROM village WHERE code LIKE '35.07.01.%' ORDER BY code LIMIT 1`
  malang = await register(
    { ...common, nik: '3507015203850002', fullName: 'Sutrisno Hadi', birthPlace: 'Malang', birthDate: '1985-03-12', gender: 'F', address: 'Jl. Kepanjen 3', villageCode: village!.code },
    admin.headers,
  )
  await as(t, 'participant', { username: users.member, participantId: blitar.id })
})

after(async () => {
  await browser?.close()
  await server?.close()
})

async function signIn(page: Page, username: string, password = TEST_PASSWORD) {
  await page.goto('/login')
  await page.fill('#username', username)
  await page.fill('#password', password)
  await page.click('button[type=submit]')
}

test('`/` shows the sign-in page in Indonesian; a wrong password says so in Indonesian, from the API error code', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl)
  try {
    await page.goto('/')
    await page.waitForURL('**/login')
    await heading(page, 'Masuk')
    assert.equal(await page.getAttribute('html', 'lang'), 'id')
    assert.equal(await page.title(), 'Masuk · Jamsos')
    await assertAccessible(page, 'sign-in')
    await screenshot(page, 'sign-in')
    await page.setViewportSize({ width: 360, height: 780 })
    await screenshot(page, 'sign-in')
    await assertAccessible(page, 'sign-in at 360 px')
    // Nothing typed: said in words, the focus on the empty field, nothing sent.
    await page.click('button[type=submit]')
    assert.equal((await page.getByRole('alert').textContent())?.trim(), 'Isi nama pengguna dan kata sandi.')
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'username')
    await page.setViewportSize({ width: 1280, height: 860 })
    await signIn(page, users.officer, 'not-the-password')
    const alert = page.getByRole('alert')
    assert.equal((await alert.textContent())?.trim(), 'Nama pengguna atau kata sandi salah.')
    assert.equal(await alert.locator('[data-code]').getAttribute('data-code'), 'AUTH_INVALID_CREDENTIALS')
    assert.equal(await page.inputValue('#password'), '', 'the wrong password is cleared')
    await assertAccessible(page, 'sign-in with an error')
    assert.deepEqual(pageProblems(page), [])
  } finally {
    await context.close()
  }
})

test('switching to English changes every text, the API messages too, and is remembered after a reload', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl)
  try {
    await page.goto('/login')
    assert.equal(await page.textContent('label[for=username]'), 'Nama pengguna')
    await page.selectOption('#lang', 'en')
    await heading(page, 'Sign in')
    assert.equal(await page.textContent('label[for=username]'), 'Username')
    assert.equal(await page.getAttribute('html', 'lang'), 'en')
    await signIn(page, users.officer, 'still-not-the-password')
    assert.equal((await page.getByRole('alert').textContent())?.trim(), 'Wrong username or password.')
    await page.reload()
    await heading(page, 'Sign in')
    assert.equal(await page.inputValue('#lang'), 'en')
    // Signed in, the language stays, and the switch is on every screen.
    await signIn(page, users.officer)
    await page.waitForURL('**/members')
    await heading(page, 'Find members')
    await page.selectOption('#lang', 'id')
    await heading(page, 'Cari peserta')
  } finally {
    await context.close()
  }
})

test('the fifth wrong password locks the account for this address, and the screen says so and for how long', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl, 360)
  try {
    const codes: string[] = []
    for (const password of ['wrong-1', 'wrong-2', 'wrong-3', 'wrong-4', 'wrong-5', TEST_PASSWORD]) {
      await signIn(page, users.locked, password)
      codes.push((await page.locator('[role=alert] [data-code]').getAttribute('data-code'))!) // answered before the next try
    }
    // The right password comes too late: locked, for JAMSOS_LOCK_MINUTES = 15.
    const text = (await page.getByRole('alert').textContent()) ?? ''
    assert.match(text, /^Akun ini dikunci sementara karena terlalu banyak percobaan masuk yang gagal dari perangkat ini\. Coba lagi dalam 15 menit\.$/)
    await screenshot(page, 'sign-in-locked')
    await assertAccessible(page, 'sign-in, locked')
    // JAMSOS_LOCK_AFTER_FAILURES = 5: the fifth wrong password already answers with the lock.
    assert.deepEqual(codes, [...Array(4).fill('AUTH_INVALID_CREDENTIALS'), 'AUTH_LOCKED', 'AUTH_LOCKED'])
  } finally {
    await context.close()
  }
})

test('each role lands on its home: staff on the member search, a member on their own page; sign-out returns to sign-in', { skip }, async () => {
  for (const [who, home, title] of [
    [users.admin, '/members', 'Cari peserta'],
    [users.officer, '/members', 'Cari peserta'],
    [users.management, '/members', 'Cari peserta'],
    [users.member, `/members/${blitar.kpj}`, 'Sutrisno Wibowo'],
  ] as const) {
    const { context, page } = await newPage(browser, server.baseUrl, who === users.officer ? 360 : 1280)
    try {
      await signIn(page, who)
      await page.waitForURL(`**${home}`)
      await heading(page, title)
      if (who === users.officer) {
        await screenshot(page, 'search-empty')
        await assertAccessible(page, 'search (empty)')
      }
      // A reload keeps the session (cookie) and the page.
      await page.reload()
      await heading(page, title)
      await page.getByRole('button', { name: 'Keluar' }).click()
      await page.waitForURL('**/login')
      // Signed out for real: the server no longer knows the session, and an app page sends back to sign-in.
      assert.equal(await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status), 401, who)
      await page.goto('/members')
      await page.waitForURL(/\/login\?next=%2Fmembers$/)
      assert.deepEqual(pageProblems(page), [], who)
    } finally {
      await context.close()
    }
  }
})

test('a member finds only themself: their page is their home, another member’s page and an unknown path are not found', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl, 360)
  try {
    await signIn(page, users.member)
    await page.waitForURL(`**/members/${blitar.kpj}`)
    await page.goto(`/members/${malang.kpj}`)
    assert.equal((await page.getByRole('alert').textContent())?.trim(), 'Peserta tidak ditemukan, atau berada di luar wilayah Anda.')
    // An app path that is no screen: the not-found page, inside the app (signed in, with its menu).
    await page.goto('/tidak-ada/di-sini')
    await heading(page, 'Halaman tidak ditemukan')
    await page.getByRole('button', { name: 'Keluar' }).waitFor()
    await assertAccessible(page, 'not found')
  } finally {
    await context.close()
  }
})

test('search finds a registered member by name, KPJ and NIK; their page shows the NIK masked, programs and income in Rupiah', { skip }, async () => {
  for (const width of [1280, 360] as const) {
    const { context, page } = await newPage(browser, server.baseUrl, width)
    try {
      await signIn(page, users.admin)
      await page.waitForURL('**/members')
      await page.fill('#q', 'sutrisno w')
      await page.keyboard.press('Enter')
      await page.waitForURL('**/members?q=sutrisno+w')
      const link = page.getByRole('link', { name: 'Sutrisno Wibowo' })
      await link.waitFor()
      assert.equal(await page.locator('table.results tbody tr').count(), 1)
      assert.equal(await page.locator('table.results tbody td').nth(2).textContent(), '3505**********01')
      assert.equal(await page.locator('table.results tbody td').nth(3).textContent(), '17 Mei 1990')
      await screenshot(page, 'search-results')
      await assertAccessible(page, `search results at ${width} px`)
      // By KPJ and by NIK, through the same box.
      for (const q of [blitar.kpj, '3505011705900001']) {
        await page.fill('#q', q)
        await page.click('button[type=submit]')
        await page.waitForURL(`**/members?q=${q}`)
        await page.getByRole('link', { name: 'Sutrisno Wibowo' }).waitFor()
      }
      await page.getByRole('link', { name: 'Sutrisno Wibowo' }).click()
      await page.waitForURL(`**/members/${blitar.kpj}`)
      await heading(page, 'Sutrisno Wibowo')
      assert.equal(await page.textContent('[data-testid=nik]'), '3505**********01')
      assert.equal(await page.textContent('[data-testid=income]'), 'Rp1.000.000 per bulan')
      assert.match((await page.locator('section', { has: page.locator('#membership-title') }).textContent()) ?? '', /Jaminan Kecelakaan Kerja \(JKK\)Jaminan Kematian \(JKM\)/)
      await page.locator('.badge').waitFor()
      assert.equal(await page.textContent('.badge'), 'Belum membayar')
      await screenshot(page, 'member')
      await assertAccessible(page, `member page at ${width} px`)
      // The deep link survives a reload; in English the income reads Rp1,000,000.
      await page.selectOption('#lang', 'en')
      await page.reload()
      assert.equal(await page.textContent('[data-testid=income]'), 'Rp1,000,000 a month')
      assert.equal(await page.textContent('.badge'), 'Not paid yet')
      await page.selectOption('#lang', 'id')
      if (width === 1280) {
        // An administrator with nik:reveal sees the whole NIK on request (audited by the API).
        await page.getByRole('button', { name: 'Tampilkan NIK' }).click()
        await page.getByText('3505011705900001').waitFor()
        const [audit] = await server.t.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_event WHERE action = 'participant.nik_reveal' AND entity_id = ${blitar.kpj}`
        assert.equal(audit!.n, 1, 'the reveal is in the audit trail')
      }
      assert.deepEqual(pageProblems(page), [])
    } finally {
      await context.close()
    }
  }
})

test('a KC Blitar branch officer never sees a KC Malang member: not in a search, not by KPJ, not by a deep link', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl)
  try {
    // An administrator sees both Sutrisnos …
    await signIn(page, users.admin)
    await page.waitForURL('**/members')
    await page.goto('/members?q=Sutrisno')
    await page.getByRole('link', { name: 'Sutrisno Hadi' }).waitFor()
    assert.equal(await page.locator('table.results tbody tr').count(), 2)
    await page.getByRole('button', { name: 'Keluar' }).click()
    await page.waitForURL('**/login')
    // … the Blitar officer only the Blitar one.
    await signIn(page, users.officer)
    await page.waitForURL('**/members')
    await page.goto('/members?q=Sutrisno')
    await page.getByRole('link', { name: 'Sutrisno Wibowo' }).waitFor()
    assert.equal(await page.locator('table.results tbody tr').count(), 1)
    assert.equal(await page.getByRole('link', { name: 'Sutrisno Hadi' }).count(), 0)
    // The branch list offers only the officer's own branch.
    await page.locator('#branch option[value=KC3505]').waitFor({ state: 'attached' })
    assert.deepEqual(await page.locator('#branch option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), ['', 'KC3505'])
    await page.goto(`/members?q=${malang.kpj}`)
    await page.getByText('Tidak ada peserta yang cocok di wilayah Anda.').waitFor()
    await page.goto(`/members/${malang.kpj}`)
    assert.equal((await page.getByRole('alert').textContent())?.trim(), 'Peserta tidak ditemukan, atau berada di luar wilayah Anda.')
    await assertAccessible(page, 'member not found')
  } finally {
    await context.close()
  }
})

test('the sign-in form works from the keyboard alone, with a visible focus ring', { skip }, async () => {
  const { context, page } = await newPage(browser, server.baseUrl, 360)
  try {
    await page.goto('/login')
    await page.keyboard.press('Tab') // the skip link comes first
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Langsung ke isi')
    await page.focus('#username')
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle + ' ' + getComputedStyle(document.activeElement!).outlineWidth)
    assert.equal(ring, 'solid 3px')
    await page.keyboard.type(users.officer)
    await page.keyboard.press('Tab')
    await page.keyboard.type(TEST_PASSWORD)
    await page.keyboard.press('Enter')
    await page.waitForURL('**/members')
    // The session ends under the page (expired, revoked: here its cookie is gone): the next
    // request answers 401, and the app asks to sign in again, coming back to the same search.
    await page.locator('#branch option[value=KC3505]').waitFor({ state: 'attached' }) // the screen's own reads are done
    await page.context().clearCookies()
    await page.fill('#q', 'Sutrisno')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/login\?next=%2Fmembers%3Fq%3DSutrisno$/)
    await heading(page, 'Masuk')
  } finally {
    await context.close()
  }
})
