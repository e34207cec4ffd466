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
}
