-- Row 408 (JP wage cap Rp9,077,600 for 2022) was seeded confirmed = true although its start date,
-- 1 March 2022, is inferred: regulations.md §2 gives the 2022 figure without a date, and the letter
-- the row cites (B/77/022023) is not among the sources regulations.md lists (it names only
-- B/726/022025 and B/1226/022026). A row whose dates are inferred is not confirmed (docs/rates.md,
-- "Configuration to verify"). Only confirmed and note change; the figure and dates stay, so bills
-- that cite row 408 are unaffected.
UPDATE contribution_rate
SET confirmed = false,
    note = 'UNCONFIRMED: start in March 2022 inferred from the annual pattern; letter B/77/022023 not in regulations.md'
WHERE id = 408;
