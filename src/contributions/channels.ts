// Which channel a payment notice posts as. Issue 12, item 7 ("Channel is free text"): a partner
// posted its own bill with channel "bri" and a plausible bank reference, so the bank's genuine
// notice for another member later met PAYMENT_REFERENCE_CONFLICT and that member's money was left
// unapplied. The channel now follows from the caller's credential, checked against the
// payment_channel table (migrations/0011):
//   - a partner key posts as its partner's bound channel (a bank's integration as the bank, a
//     partner platform as itself), and as nothing else;
//   - a partner's signed-in user posts as that channel only when it is a partner platform's:
//     bank channels are for the bank's integration alone;
//   - other signed-in users post only counter channels listing their role (cash at a branch);
//   - Jamsos itself (imports, the demo seed) posts any known channel, retired ones included, so a
//     history can be imported as it happened.
import type { Actor, Role } from '../platform/actor.ts'
import type { PaymentChannelRow } from '../platform/db-types.ts'
import { AppError } from '../platform/errors.ts'
import { ContributionErrors as C } from './errors.ts'

/** payment_channel.kind's CHECK list (migrations/0011), through the generated row type. */
export type ChannelKind = PaymentChannelRow['kind']
export const CHANNEL_KINDS = ['bank', 'partner', 'counter', 'budget', 'retired'] as const satisfies readonly ChannelKind[]

export interface PaymentChannel {
  code: string
  kind: ChannelKind
  /** Roles of signed-in users who may post it (counter channels). */
  userRoles: Role[]
}

/** Kinds a partner may be bound to: its keys then post as that channel. */
export const BINDABLE_KINDS: readonly ChannelKind[] = ['bank', 'partner']

/**
 * The channel the actor's notice posts as, given the channel it names (if any), the known channels
 * and the channel bound to the actor's partner (if any). Pure: the caller loads the rows.
 */
export function channelFor(actor: Actor, requested: string | undefined, known: ReadonlyMap<string, PaymentChannel>, bound: string | undefined): string | AppError {
  const forbidden = (reason: string) => AppError.field(C.PAYMENT_CHANNEL_FORBIDDEN, 'channel', reason)
  if (actor.kind === 'system') {
    if (!requested) return AppError.field(C.PAYMENT_CHANNEL_UNKNOWN, 'channel', 'a payment imported by Jamsos names its channel')
    return known.has(requested) ? requested : AppError.field(C.PAYMENT_CHANNEL_UNKNOWN, 'channel', `"${requested}" is not a payment channel`)
  }
  if (actor.kind === 'partner_key' || (actor.kind === 'user' && actor.role === 'partner')) {
    const channel = bound === undefined ? undefined : known.get(bound)
    if (!channel) {
      return forbidden(`partner ${actor.partnerId} has no payment channel; an administrator binds one (PUT /partners/{partnerId}/payment-channel)`)
    }
    if (requested !== undefined && requested !== channel.code) return forbidden(`partner ${actor.partnerId} posts as channel "${channel.code}", not "${requested}"`)
    if (actor.kind === 'user' && channel.kind !== 'partner') return forbidden(`channel "${channel.code}" is a bank's: only its signed integration (partner key) posts as it`)
    return channel.code
  }
  if (actor.kind !== 'user' || actor.role === null) return forbidden('only signed-in callers post payments')
  if (!requested) return AppError.field(C.PAYMENT_CHANNEL_UNKNOWN, 'channel', 'name the counter channel the money was paid at, e.g. "branch"')
  const channel = known.get(requested)
  if (!channel) return AppError.field(C.PAYMENT_CHANNEL_UNKNOWN, 'channel', `"${requested}" is not a payment channel`)
  if (channel.kind !== 'counter' || !channel.userRoles.includes(actor.role)) {
    return forbidden(
      channel.kind === 'bank'
        ? `channel "${requested}" is a bank's: only its signed integration (partner key) posts as it`
        : `a ${actor.role} does not post payments as channel "${requested}"`,
    )
  }
  return channel.code
}
