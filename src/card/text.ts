// The words of the card and of its verification page, in Indonesian (the default) and English.
// Pure. Dates through Intl in Asia/Jakarta.
import type { CoverageState } from '../coverage/index.ts'

export type CardLang = 'id' | 'en'

/** ?lang=en or ?lang=id wins; else English when the browser prefers it; else Indonesian. */
export function cardLang(query: string | undefined, acceptLanguage: string | undefined): CardLang {
  if (query === 'en' || query === 'id') return query
  const first = (acceptLanguage ?? '').split(',')[0]!.trim().toLowerCase()
  return first.startsWith('en') ? 'en' : 'id'
}

/** `2025-06-09` → `9 Juni 2025` / `9 June 2025`. */
export function formatDate(date: string, lang: CardLang): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`))
}

/** `2025-06` → `Juni 2025`. */
export function formatMonth(month: string, lang: CardLang): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`))
}

/** An instant as Jakarta wall-clock time: `9 Juni 2025 10.00 WIB`. */
export function formatInstant(at: Date, lang: CardLang): string {
  const text = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Jakarta' }).format(at)
  return `${text} WIB`
}

const REASONS: Record<string, { id: string; en: string }> = {
  replaced: { id: 'diganti dengan kartu baru', en: 'replaced by a new card' },
  lost: { id: 'hilang', en: 'lost' },
  stolen: { id: 'dicuri', en: 'stolen' },
  damaged: { id: 'rusak', en: 'damaged' },
  data_changed: { id: 'data peserta berubah', en: 'the member’s details changed' },
  other: { id: 'alasan lain', en: 'another reason' },
}

export function cardText(lang: CardLang) {
  const en = lang === 'en'
  return {
    cardTitle: en ? 'Jamsos membership card' : 'Kartu Peserta Jamsos',
    cardSubtitle: en ? 'Employment social security · informal workers (BPU)' : 'Jaminan sosial ketenagakerjaan · Bukan Penerima Upah (BPU)',
    kpj: en ? 'Membership number (KPJ)' : 'Nomor KPJ',
    name: en ? 'Name' : 'Nama',
    programs: en ? 'Programs' : 'Program',
    scanToCheck: en ? 'Scan to check today’s status' : 'Pindai untuk cek status terkini',
    statusOn: (date: string) => (en ? `Status on ${date}` : `Status per ${date}`),
    status: {
      active: en ? 'Active' : 'Aktif',
      grace: en ? 'Grace period' : 'Masa tenggang',
      lapsed: en ? 'Lapsed' : 'Tidak aktif',
      unpaid: en ? 'Not yet active' : 'Belum aktif',
    } satisfies Record<CoverageState, string>,
    // Text colours on white with a contrast ratio of at least 4.5:1 (WCAG 2.1, 1.4.3).
    statusColour: { active: '#0b5f3a', grace: '#8a4b00', lapsed: '#b00020', unpaid: '#444444' } satisfies Record<CoverageState, string>,
    issued: (date: string, cardId: number) => (en ? `Issued ${date} · card no. ${cardId}` : `Diterbitkan ${date} · kartu no. ${cardId}`),
    reason: (code: string | null | undefined) => (code && REASONS[code] ? REASONS[code]![lang] : ''),
  }
}

/** Why a status holds, one sentence for the verification page (docs/coverage.md). */
export function statusExplanation(
  c: { status: CoverageState; paidThrough: string | null; graceUntil: string | null; lapsedOn: string | null },
  lang: CardLang,
): string {
  const en = lang === 'en'
  switch (c.status) {
    case 'active':
      return en
        ? `Protected: contributions are paid through ${formatMonth(c.paidThrough!, lang)}.`
        : `Terlindungi: iuran sudah dibayar sampai ${formatMonth(c.paidThrough!, lang)}.`
    case 'grace':
      // Perdir 22/PERDIR.02/072022: arrears are payable up to 3 months after protection ends.
      return en
        ? `Not protected now: this month’s contribution is unpaid. The arrears can still be paid until ${formatDate(c.graceUntil!, lang)}.`
        : `Saat ini tidak terlindungi: iuran bulan ini belum dibayar. Tunggakan masih dapat dibayar sampai ${formatDate(c.graceUntil!, lang)}.`
    case 'lapsed':
      return en
        ? `Not protected: the membership ended on ${formatDate(c.lapsedOn!, lang)} after unpaid months.`
        : `Tidak terlindungi: kepesertaan berakhir pada ${formatDate(c.lapsedOn!, lang)} karena iuran tidak dibayar.`
    case 'unpaid':
      return en ? 'Not protected: no contribution has been paid yet.' : 'Tidak terlindungi: belum ada iuran yang dibayar.'
  }
}
