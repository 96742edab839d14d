// The QR code of a card: the verify URL, as SVG for screens and as a module matrix for the PDF.
import QRCode from 'qrcode'

// Level M (15 % of the symbol recoverable): a printed card gets scuffed, and the verify URL is short
// enough (about 90 characters) that M still gives a symbol of 37 × 37 modules or fewer.
const LEVEL = 'M'

/** The verify URL of a token under a public base URL (no trailing slash). */
export function verifyUrl(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/verify/${token}`
}

/** An SVG of the QR code holding `text`, labelled for screen readers. */
export async function qrSvg(text: string, label: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: LEVEL, margin: 4, color: { dark: '#000000', light: '#ffffff' } })
  const escaped = label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
  return svg.trim().replace(/^<svg /, `<svg role="img" aria-label="${escaped}" `)
}

/** The dark modules of the QR code holding `text`, row by row (size × size). */
export function qrMatrix(text: string): { size: number; dark(row: number, col: number): boolean } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: LEVEL })
  return { size: modules.size, dark: (row, col) => modules.get(row, col) === 1 }
}
