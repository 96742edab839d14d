// User text placed into SQL patterns; shared by every module that searches by what a person typed.

/**
 * `s` as a LIKE pattern that matches it literally (with ESCAPE '\', PostgreSQL's default). Besides
 * \, % and _ it escapes the full-width and other forms that jamsos_fold (unaccent) turns into them
 * (％ → %, ＿ → _, ＼ → \ …): then the pattern stays literal whether the text is folded before
 * escaping or in the query after it, as jamsos_fold(${likeLiteral(text)}) does.
 */
export function likeLiteral(s: string): string {
  return s.replace(/[\\%_∖﹨﹪％＼＿]/g, (c) => '\\' + c)
}
