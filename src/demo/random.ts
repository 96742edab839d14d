// A small seeded random source for the demo population: the same seed gives the same people on
// every machine and Node version (Math.random cannot be seeded). sfc32, seeded through splitmix32.

export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number) {
    let s = seed >>> 0
    const split = () => {
      s = (s + 0x9e3779b9) | 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = split()
    this.b = split()
    this.c = split()
    this.d = split()
    for (let i = 0; i < 12; i++) this.next()
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return (t >>> 0) / 4294967296
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next()
    const v = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
}

/** A fixed weighted choice among a few values, built once and drawn from many times. */
export class Weighted<T> {
  readonly values: T[]
  private readonly cumulative: Float64Array

  constructor(table: Readonly<Record<string, number>> | readonly (readonly [T, number])[]) {
    const entries = (Array.isArray(table) ? table : Object.entries(table)) as [T, number][]
    const kept = entries.filter(([, w]) => w > 0)
    if (kept.length === 0) throw new Error('A weighted choice needs at least one positive weight')
    this.values = kept.map(([v]) => v)
    this.cumulative = new Float64Array(kept.length)
    let sum = 0
    kept.forEach(([, w], i) => (this.cumulative[i] = sum += w))
    for (let i = 0; i < kept.length; i++) this.cumulative[i]! /= sum
  }

  draw(rng: Rng): T {
    return this.values[pickCumulative(this.cumulative, rng.next())]!
  }
}

/** The first index whose cumulative share exceeds u (0 ≤ u < 1): a binary search over shares. */
export function pickCumulative(cumulative: ArrayLike<number>, u: number): number {
  let lo = 0
  let hi = cumulative.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (u < cumulative[mid]!) hi = mid
    else lo = mid + 1
  }
  return lo
}
