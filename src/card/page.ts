// The public verification page, GET /verify/{token}: what a clinic or an employer sees after
// scanning a card's QR code. Server-rendered HTML with no script (it works with JavaScript off
// and on the slowest phone), one column from 360 px wide up, Indonesian unless English is asked
// for. The status is said in words and with a symbol, never by colour alone (WCAG 2.1, 1.4.1).
// Pure: takes what verification found, returns the page.
import type { VerifiedCard } from './cards.ts'
import { cardText, formatDate, formatInstant, statusExplanation, type CardLang } from './text.ts'

export type PageOutcome =
  | { kind: 'valid'; card: VerifiedCard }
  | { kind: 'revoked'; kpj: string; revokedOn: string; reason: string | null }
  | { kind: 'invalid' }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'unavailable' }

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f4f6f5}
header{background:#0b5f3a;color:#fff;padding:12px 16px}
header h1{margin:0;font-size:1.15rem}
header p{margin:0;font-size:.85rem}
main{max-width:34rem;margin:0 auto;padding:16px}
.verdict{border:3px solid;border-radius:8px;padding:12px 14px;margin:0 0 16px;background:#fff}
.verdict h2{margin:0 0 4px;font-size:1.3rem}
.verdict p{margin:0}
.ok{border-color:#0b5f3a}.ok h2{color:#0b5f3a}
.warn{border-color:#8a4b00}.warn h2{color:#8a4b00}
.bad{border-color:#b00020}.bad h2{color:#b00020}
.muted{border-color:#444}.muted h2{color:#444}
dl{margin:0;background:#fff;border-radius:8px;padding:4px 14px}
dl div{padding:8px 0;border-bottom:1px solid #dde3e0}
dl div:last-child{border-bottom:0}
dt{font-size:.85rem;color:#4a4a4a}
dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.kpj{font-family:ui-monospace,Menlo,Consolas,monospace;letter-spacing:.05em}
footer{max-width:34rem;margin:0 auto;padding:0 16px 24px;font-size:.85rem;color:#4a4a4a}
a{color:#0b5f3a}
a:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
`

function words(lang: CardLang) {
  const en = lang === 'en'
  return {
    title: en ? 'Membership card check' : 'Pemeriksaan kartu peserta',
    site: en ? 'Jamsos · employment social security' : 'Jamsos · jaminan sosial ketenagakerjaan',
    genuine: en ? 'Genuine card' : 'Kartu asli',
    todayStatus: (date: string) => (en ? `Coverage status today, ${date}` : `Status kepesertaan hari ini, ${date}`),
    invalidTitle: en ? 'Not a valid card' : 'Kartu tidak sah',
    invalidText: en
      ? 'This QR code was damaged, altered, or not issued by Jamsos. Do not accept the card; ask the member to contact a BPJS Ketenagakerjaan branch office.'
      : 'Kode QR ini rusak, telah diubah, atau tidak diterbitkan oleh Jamsos. Jangan terima kartu ini; minta peserta menghubungi kantor cabang BPJS Ketenagakerjaan.',
    revokedTitle: en ? 'Card revoked' : 'Kartu sudah dicabut',
    revokedText: (date: string, reason: string) =>
      en
        ? `This card was revoked on ${date}${reason ? ` (${reason})` : ''} and is no longer valid. The member may hold a newer card.`
        : `Kartu ini dicabut pada ${date}${reason ? ` (${reason})` : ''} dan tidak berlaku lagi. Peserta mungkin memiliki kartu yang lebih baru.`,
    limitedTitle: en ? 'Too many checks' : 'Terlalu banyak pemeriksaan',
    limitedText: (s: number) => (en ? `Please try again in ${s} seconds.` : `Silakan coba lagi dalam ${s} detik.`),
    unavailableTitle: en ? 'Cannot check now' : 'Tidak dapat memeriksa saat ini',
    unavailableText: en ? 'The service is unavailable. Please try again in a moment.' : 'Layanan sedang tidak tersedia. Silakan coba lagi sebentar lagi.',
    name: en ? 'Name (partly hidden)' : 'Nama (sebagian disamarkan)',
    issued: en ? 'Card issued' : 'Kartu diterbitkan',
    checkedAt: (at: string) => (en ? `Checked ${at}.` : `Diperiksa ${at}.`),
    privacy: en
      ? 'Only what confirms the card is shown; the NIK and other personal data never are (UU 27/2022).'
      : 'Hanya data untuk memastikan kartu yang ditampilkan; NIK dan data pribadi lain tidak pernah ditampilkan (UU 27/2022).',
    other: en ? 'Bahasa Indonesia' : 'English',
    otherLang: (en ? 'id' : 'en') satisfies CardLang,
  }
}

const SYMBOL = { ok: '✔', warn: '!', bad: '✖', muted: '–' } as const

function verdict(kind: keyof typeof SYMBOL, title: string, text: string): string {
  return `<section class="verdict ${kind}" aria-labelledby="verdict"><h2 id="verdict"><span aria-hidden="true">${SYMBOL[kind]}</span> ${esc(title)}</h2><p>${esc(text)}</p></section>`
}

const STATUS_KIND = { active: 'ok', grace: 'warn', lapsed: 'bad', unpaid: 'muted' } as const

/** The whole page for an outcome, in a language, checked at an instant. */
export function verificationPage(outcome: PageOutcome, lang: CardLang, checkedAt: Date): string {
  const w = words(lang)
  const t = cardText(lang)
  let body: string
  switch (outcome.kind) {
    case 'valid': {
      const c = outcome.card
      const status = `${t.status[c.coverage.status]}`
      body =
        verdict(STATUS_KIND[c.coverage.status], `${w.genuine} · ${status}`, `${w.todayStatus(formatDate(c.coverage.date, lang))}: ${status}. ${statusExplanation(c.coverage, lang)}`) +
        `<dl>` +
        `<div><dt>${esc(w.name)}</dt><dd>${esc(c.maskedName)}</dd></div>` +
        `<div><dt>${esc(t.kpj)}</dt><dd class="kpj">${esc(c.kpj)}</dd></div>` +
        `<div><dt>${esc(t.programs)}</dt><dd>${c.programs.map((p) => `${esc(p.code)} (${esc(lang === 'en' ? p.nameEn : p.nameId)})`).join(', ') || '–'}</dd></div>` +
        `<div><dt>${esc(w.issued)}</dt><dd>${esc(formatDate(c.issuedOn, lang))}</dd></div>` +
        `</dl>`
      break
    }
    case 'revoked':
      body =
        verdict('bad', w.revokedTitle, w.revokedText(formatDate(outcome.revokedOn, lang), t.reason(outcome.reason))) +
        `<dl><div><dt>${esc(t.kpj)}</dt><dd class="kpj">${esc(outcome.kpj)}</dd></div></dl>`
      break
    case 'invalid':
      body = verdict('bad', w.invalidTitle, w.invalidText)
      break
    case 'rate_limited':
      body = verdict('muted', w.limitedTitle, w.limitedText(outcome.retryAfterSeconds))
      break
    case 'unavailable':
      body = verdict('muted', w.unavailableTitle, w.unavailableText)
      break
  }
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="robots" content="noindex,nofollow">` +
    `<title>${esc(w.title)} · Jamsos</title><style>${STYLE}</style></head>` +
    `<body><header><h1>${esc(w.title)}</h1><p>${esc(w.site)}</p></header>` +
    `<main>${body}</main>` +
    `<footer><p>${esc(w.checkedAt(formatInstant(checkedAt, lang)))} ${esc(w.privacy)}</p>` +
    `<p><a href="?lang=${w.otherLang}" hreflang="${w.otherLang}" lang="${w.otherLang}">${esc(w.other)}</a></p></footer>` +
    `</body></html>`
  )
}
