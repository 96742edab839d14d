// The message catalogue is complete and every key in it is used: Indonesian and English have the
// same keys, neither leaves a text empty, both name the same {placeholders}; every key the code
// names exists, every key exists for a reason, and each error.<CODE> is a code the API really has.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { catalogue, LOCALES } from './messages.ts'
import { errorText, pickLocale, translate } from './translate.ts'
import { allErrorCodes } from '../../../src/platform/errors.ts'
import '../../../src/app.ts' // every module's error codes register on import

const webSrc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const keys = (l: (typeof LOCALES)[number]) => Object.keys(catalogue[l]).sort()
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

/** The app's source (not tests, not the catalogue), file by file. */
function sources(dir = webSrc, out: { file: string; text: string }[] = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) sources(p, out)
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') && p !== path.join(webSrc, 'i18n', 'messages.ts')) {
      out.push({ file: path.relative(webSrc, p), text: fs.readFileSync(p, 'utf8') })
    }
  }
  return out
}

test('Indonesian and English have the same keys, and no text is empty', () => {
  assert.deepEqual(keys('en'), keys('id'))
  for (const l of LOCALES) for (const [k, v] of Object.entries(catalogue[l])) assert.ok(v.trim().length > 0, `${l} ${k} is empty`)
})

test('each text names the same placeholders in both languages', () => {
  for (const k of keys('id')) {
    const id = catalogue.id[k as keyof typeof catalogue.id]
    const en = catalogue.en[k as keyof typeof catalogue.en]
    assert.deepEqual(placeholders(en), placeholders(id), k)
  }
})

test('every key the code names is in the catalogue, and every key in the catalogue is used', () => {
  const code = sources()
  assert.ok(code.length >= 10, `${code.length} source files`)
  const all = code.map((s) => s.text).join('\n')
  const known = new Set(keys('id'))
  // Quoted keys ('signIn.title'), in t(...) or passed around (the language names).
  const quoted = new Set([...all.matchAll(/['"]((?:app|lang|nav|role|signIn|search|participant|gender|program|coverage|notFound|error|register|bill|activation|card|admin)\.[A-Za-z_.]+)['"]/g)].map((m) => m[1]!))
  const unknown = [...quoted].filter((k) => !known.has(k))
  assert.deepEqual(unknown, [], 'keys named in the code but missing from the catalogue')
  // Keys built from a value (`role.${me.role}`, `program.${code}`): the prefix counts as a use.
  const prefixes = [...all.matchAll(/`([a-zA-Z]+\.)\$\{/g)].map((m) => m[1]!)
  // error.<CODE> texts are looked up by the API's code (translate.ts errorText).
  prefixes.push('error.')
  const unused = [...known].filter((k) => !quoted.has(k) && !prefixes.some((p) => k.startsWith(p)))
  assert.deepEqual(unused, [], 'keys no code uses')
})

test('every error.<CODE> text is for a code the API has (or the client-side NETWORK failure)', () => {
  const codes = new Set(allErrorCodes().map(([c]) => c))
  const ours = keys('id').filter((k) => k.startsWith('error.') && k !== 'error.title').map((k) => k.slice('error.'.length))
  const strangers = ours.filter((c) => c !== 'NETWORK' && !codes.has(c))
  assert.deepEqual(strangers, [])
})

test('every role and coverage status the API names has its text', () => {
  for (const role of ['admin', 'management', 'branch_officer', 'agent', 'partner', 'sponsor', 'participant']) assert.ok(`role.${role}` in catalogue.id, role)
  for (const s of ['active', 'grace', 'lapsed', 'unpaid']) assert.ok(`coverage.${s}` in catalogue.id, s)
})

test('placeholders are filled, in the chosen language', () => {
  assert.equal(translate('id', 'search.shown', { count: 20 }), '20 peserta di halaman ini')
  assert.equal(translate('en', 'search.shown', { count: 20 }), '20 members on this page')
  assert.equal(translate('en', 'nav.signedInAs', { name: 'Siti', role: 'Branch officer' }), 'Signed in as Siti (Branch officer)')
})

test('an API error shows our text for a code we know, else the API message, else a generic title', () => {
  assert.equal(errorText('id', 'AUTH_INVALID_CREDENTIALS', 'ignored'), 'Nama pengguna atau kata sandi salah.')
  assert.equal(errorText('en', 'AUTH_INVALID_CREDENTIALS', 'ignored'), 'Wrong username or password.')
  assert.equal(errorText('en', 'NIK_BAD_DATE', 'The birth date in the NIK is not valid'), 'The birth date in the NIK is not valid')
  assert.equal(errorText('id', 'SOMETHING_NEW', ''), 'Terjadi kesalahan')
})

test('Indonesian until someone chooses; a stored choice that is not ours is ignored', () => {
  assert.equal(pickLocale(null), 'id')
  assert.equal(pickLocale('en'), 'en')
  assert.equal(pickLocale('fr'), 'id')
})
