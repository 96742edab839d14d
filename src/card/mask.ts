// What the public verification page may show of a member's name (UU 27/2022 tentang Pelindungan
// Data Pribadi: no more personal data than the purpose needs). Whoever checks a card holds the card
// with the full name printed on it; the page only has to confirm it belongs to the same person,
// while a photographed QR code must not give a stranger the name. Pure.

/**
 * Each word keeps its first letter, the rest becomes one asterisk per letter:
 * `Siti Rahayu` → `S*** R*****`. Punctuation and spacing stay, so "Moh. Yusuf" still reads as two
 * words; a one-letter word stays as it is.
 */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/(\s+)/)
    .map((part) => {
      if (/^\s+$/.test(part)) return ' '
      const letters = [...part]
      let seen = false
      return letters
        .map((ch) => {
          if (!/\p{L}|\p{N}/u.test(ch)) return ch
          if (!seen) {
            seen = true
            return ch
          }
          return '*'
        })
        .join('')
    })
    .join('')
}
