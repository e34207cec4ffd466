using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

/// <summary>
/// Rating before any price rule: tokens inside the package's monthly allowance at its unit price, tokens beyond it at
/// the overage price, both times the model's entitlement multiplier; cost from the model's compute cost.
/// An event for a package or model the price book does not know earns and costs nothing (ingestion rejects those first).
/// </summary>
public sealed class PackagePriceRatingEngine(PriceBookProvider priceBook) : IRatingEngine
{
    public Rating Rate(in UsageContext context) => RateBase(priceBook.Current, context);

    /// <summary>
    /// The base rating; <paramref name="baseMicros"/> is the base revenue before rounding and <paramref name="billableTokens"/>
    /// = tokens × the entitlement multiplier (what rules price per million), both exact, for the rules to start from.
    /// </summary>
    /// <remarks>
    /// A price per million tokens in CNY is the same number as micro-yuan per token, so tokens × price is the amount in µ¥
    /// with no division: exact in <see cref="decimal"/> (prices have at most six decimals), rounded only once at the end.
    /// </remarks>
    public static Rating RateBase(PriceBook book, in UsageContext context, out decimal baseMicros, out decimal billableTokens)
    {
        var cost = book.Models.TryGetValue(context.ModelId, out var model)
            ? Money.RoundMicros(context.InputTokens * model.InputPerMTok + context.OutputTokens * model.OutputPerMTok)
            : 0;
        if (!book.Packages.TryGetValue(context.PackageId, out var package))
        {
            billableTokens = 0;
            baseMicros = 0;
            return new Rating(0, 0, cost, 0);
        }
        decimal tokens = context.InputTokens + context.OutputTokens;
        if (package.Multipliers.TryGetValue(context.ModelId, out var multiplier) && multiplier != 1m)
        {
            tokens *= multiplier;
        }

        var allowanceLeft = Math.Max(0, package.IncludedTokensPerMonth - context.CustomerMonthlyTokens);
        var inside = Math.Min(tokens, allowanceLeft);
        var revenue = inside * package.UnitPricePerMTok;
        if (tokens > inside)
        {
            revenue += (tokens - inside) * package.OveragePricePerMTok;
        }

        billableTokens = tokens;
        baseMicros = revenue;
        var rounded = Money.RoundMicros(revenue);
        return new Rating(rounded, rounded, cost, 0);
    }

    public static Rating RateBase(PriceBook book, in UsageContext context) => RateBase(book, context, out _, out _);
}
