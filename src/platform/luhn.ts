// Luhn (mod 10) check digits for the numbers Jamsos issues: KPJ membership numbers and bill
// payment codes. Luhn catches every single-digit typo and most adjacent swaps, which is what a
// number read aloud at a counter or typed into a payment app needs.

const DIGITS = /^\d+$/

/** The Luhn check digit to append to `digits` (a non-empty string of decimal digits). */
export function luhnCheckDigit(digits: string): number {
  if (!DIGITS.test(digits)) throw new Error(`luhnCheckDigit needs decimal digits, got "${digits}"`)
  // Counting from the right of the payload, every first, third, … digit is doubled, because the
  // check digit will take the rightmost (undoubled) place.
  let sum = 0
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return (10 - (sum % 10)) % 10
}

/** Whether the last digit of `digitsWithCheck` is the Luhn check digit of the rest. */
export function luhnValid(digitsWithCheck: string): boolean {
  if (digitsWithCheck.length < 2 || !DIGITS.test(digitsWithCheck)) return false
  return luhnCheckDigit(digitsWithCheck.slice(0, -1)) === digitsWithCheck.charCodeAt(digitsWithCheck.length - 1) - 48
}
