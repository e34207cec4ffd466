namespace TokenConsole.Data;

/// <summary>
/// Money is <see cref="decimal"/> yuan in code and a <see cref="long"/> of micro-yuan (1 µ¥ = 10⁻⁶ CNY) on the ingestion
/// hot path and in the rollups, so that SQL sums are exact integer arithmetic. Rounding happens once: each rated event to
/// the micro-yuan, and a total to the fen where it is shown or billed, both half away from zero (as a bill is rounded).
/// </summary>
public static class Money
{
    public const long MicrosPerYuan = 1_000_000;

    /// <summary>Yuan to micro-yuan, rounded half away from zero.</summary>
    public static long ToMicros(decimal yuan) => (long)decimal.Round(yuan * MicrosPerYuan, 0, MidpointRounding.AwayFromZero);

    /// <summary>An amount already in micro-yuan (e.g. tokens × price per million), rounded half away from zero.</summary>
    public static long RoundMicros(decimal micros) => (long)decimal.Round(micros, 0, MidpointRounding.AwayFromZero);

    /// <summary>Micro-yuan to yuan, exactly.</summary>
    public static decimal FromMicros(long micros) => micros / (decimal)MicrosPerYuan;

    /// <summary>Rounded to the fen (two decimals), half away from zero: for display and billing.</summary>
    public static decimal ToFen(decimal yuan) => decimal.Round(yuan, 2, MidpointRounding.AwayFromZero);

    /// <summary>Micro-yuan rounded to the fen, as yuan.</summary>
    public static decimal ToFen(long micros) => ToFen(FromMicros(micros));

    /// <summary>
    /// Splits the integer <paramref name="total"/> into <paramref name="parts"/> that follow <paramref name="exact"/>
    /// (largest remainder, Hamilton's method): each part its exact share's floor, then one more unit to the parts with
    /// the largest remainders, the earlier on a tie, until the parts add up to the total. When the total is a rounding of
    /// Σ exact that is at most one unit per part; any other total still comes out exactly, by the same one-unit steps.
    /// Allocation-free: it runs for every usage event a price rule changed.
    /// </summary>
    public static void Apportion(long total, ReadOnlySpan<decimal> exact, Span<long> parts)
    {
        if (exact.Length == 0)
        {
            return;
        }
        long sum = 0;
        for (var i = 0; i < exact.Length; i++)
        {
            parts[i] = (long)decimal.Floor(exact[i]);
            sum += parts[i];
        }
        for (var left = total - sum; left != 0; left -= Math.Sign(left))
        {
            // The part furthest below (adding) or above (taking away) its exact share.
            var pick = 0;
            for (var i = 1; i < exact.Length; i++)
            {
                var gap = exact[i] - parts[i];
                var best = exact[pick] - parts[pick];
                if (left > 0 ? gap > best : gap < best)
                {
                    pick = i;
                }
            }
            parts[pick] += Math.Sign(left);
        }
    }
}
