// The membership card through the typed client: the current card (with its QR code as SVG and
// the verify URL the QR holds), issuing one, and the PDF's address.
import { useQuery } from '@tanstack/preact-query'
import { api, unwrap, type paths } from '../../../api/client.ts'

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never
export type CurrentCard = Json<paths['/api/v1/participants/{kpj}/card']['get']['responses']['200']>

export function useCard(kpj: string, lang: 'id' | 'en') {
  return useQuery({
    queryKey: ['card', kpj, lang],
    queryFn: () => unwrap(api.GET('/api/v1/participants/{kpj}/card', { params: { path: { kpj }, query: { lang } } })),
  })
}

export function issueCard(kpj: string, lang: 'id' | 'en') {
  return unwrap(api.POST('/api/v1/participants/{kpj}/cards', { params: { path: { kpj }, query: { lang } }, body: {} }))
}

/** The card as a PDF (GET, same origin: the session cookie goes with an ordinary link). */
export const pdfUrl = (kpj: string, lang: 'id' | 'en') => `/api/v1/participants/${encodeURIComponent(kpj)}/card/pdf?lang=${lang}`

/** The QR code as an image: the SVG the API drew, as a data: URL (no markup of it enters the page). */
export const qrImage = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
