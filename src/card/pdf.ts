// The card as a PDF: one page of ID-1 size (ISO/IEC 7810, 85.60 × 53.98 mm, a bank card), to print
// on card stock or keep on a phone. The QR code is drawn as vector squares, so it stays sharp at
// any print resolution. Uses the 14 standard PDF fonts (nothing embedded: the file stays a few kB).
import PDFDocument from 'pdfkit'
import { jakartaDate } from '../platform/dates.ts'
import type { CardFacts } from './cards.ts'
import { qrMatrix } from './qr.ts'
import { cardText, formatDate, type CardLang } from './text.ts'

const MM = 72 / 25.4
/** ID-1: 85.60 × 53.98 mm, landscape. */
export const CARD_SIZE: [number, number] = [85.6 * MM, 53.98 * MM]
const BRAND = '#0b5f3a'

// The standard fonts encode text as WinAnsi (Windows-1252): Latin-1 and a few more signs. Outside
// it pdfkit prints another glyph, so a letter that has a base form is printed without its marks
// (ǹ → n) and anything else as '?'. Registry names are Latin script; embedding a Unicode font
// (e.g. Noto Sans) is the step if other scripts must print.
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ'
const inWinAnsi = (ch: string) => {
  const c = ch.codePointAt(0)!
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.includes(ch)
}
export function winAnsiText(text: string): string {
  return [...text]
    .map((ch) => {
      if (inWinAnsi(ch)) return ch
      const base = ch.normalize('NFKD').replace(/\p{M}/gu, '')
      return base && [...base].every(inWinAnsi) ? base : '?'
    })
    .join('')
}

/** The PDF of a card, with its verify URL in the QR code. Resolves to the whole file. */
export function cardPdf(card: CardFacts, url: string, lang: CardLang): Promise<Buffer> {
  const t = cardText(lang)
  const [W, H] = CARD_SIZE
  const doc = new PDFDocument({
    size: CARD_SIZE,
    margin: 0,
    lang: lang === 'en' ? 'en' : 'id',
    displayTitle: true,
    info: {
      Title: `${t.cardTitle} ${card.kpj}`,
      Subject: `${t.kpj} ${card.kpj}`,
      Author: 'Jamsos',
      Creator: 'Jamsos',
      Keywords: url,
    },
  })
  const chunks: Buffer[] = []
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (b: Buffer) => chunks.push(b))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })

  // Header band.
  doc.rect(0, 0, W, 26).fill(BRAND)
  doc.fillColor('#ffffff').font('Helvetica-Bold').fontSize(9).text(t.cardTitle.toUpperCase(), 10, 6, { width: W - 20, lineBreak: false })
  doc.font('Helvetica').fontSize(5.5).text(t.cardSubtitle, 10, 17, { width: W - 20, lineBreak: false })

  // The QR code on the right, with its quiet zone (white) of four modules.
  const qr = qrMatrix(url)
  const qrSide = 86
  const cell = qrSide / (qr.size + 8)
  const qx = W - qrSide - 6
  const qy = 30
  doc.rect(qx, qy, qrSide, qrSide).fill('#ffffff')
  for (let r = 0; r < qr.size; r++) {
    for (let col = 0; col < qr.size; col++) {
      if (qr.dark(r, col)) doc.rect(qx + (col + 4) * cell, qy + (r + 4) * cell, cell + 0.01, cell + 0.01)
    }
  }
  doc.fill('#000000')
  doc.fillColor('#333333').font('Helvetica').fontSize(4.8).text(t.scanToCheck, qx, qy + qrSide + 1, { width: qrSide, align: 'center' })

  // The member, on the left.
  const x = 10
  const w = qx - x - 6
  doc.fillColor('#000000').font('Helvetica-Bold').fontSize(8.5).text(winAnsiText(card.fullName), x, 32, { width: w, height: 21, ellipsis: true })
  doc.font('Helvetica').fontSize(5.5).fillColor('#555555').text(t.kpj, x, 56, { width: w })
  doc.font('Courier-Bold').fontSize(11).fillColor('#000000').text(card.kpj, x, 63, { width: w, characterSpacing: 0.5, lineBreak: false })
  doc.font('Helvetica').fontSize(5.5).fillColor('#555555').text(t.programs, x, 78, { width: w })
  doc.font('Helvetica').fontSize(6.5).fillColor('#000000').text(card.programs.map((p) => p.code).join(' · ') || '–', x, 85, { width: w })
  doc.font('Helvetica').fontSize(5.5).fillColor('#555555').text(t.statusOn(formatDate(card.coverage.date, lang)), x, 98, { width: w })
  doc.font('Helvetica-Bold').fontSize(8).fillColor(t.statusColour[card.coverage.status]).text(t.status[card.coverage.status], x, 105, { width: w })

  // Footer.
  doc.font('Helvetica').fontSize(4.8).fillColor('#555555').text(t.issued(formatDate(jakartaDate(card.issuedAt), lang), card.cardId), x, H - 12, { width: W - 20, lineBreak: false })
  doc.end()
  return done
}
