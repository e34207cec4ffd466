using TokenConsole.Data;
using TokenConsole.Features.Catalog;

namespace TokenConsole.Features.Pricing;

/// <summary>
/// Rating before any price rule, on the subscription's buckets: billable tokens (tokens × the model's entitlement
/// multiplier of the version in force) inside what the buckets still hold earn nothing — the fee paid for them is revenue
/// of its own; beyond them a pay-as-you-go package charges the overage price per million, a stop-at-limit package rates
/// them at zero and counts them as leakage (the gateway did not ask first). Cost from the model's compute cost.
/// An event for a package or model the price book does not know earns and costs nothing (ingestion rejects those first).
/// </summary>
public sealed class PackagePriceRatingEngine(PriceBookProvider priceBook) : IRatingEngine
{
    public Rating Rate(in UsageContext context) => RateBase(priceBook.Current, context);

    /// <summary>
    /// The base rating; <paramref name="baseMicros"/> is the base revenue before rounding and <paramref name="overageTokens"/>
    /// the billable tokens beyond the buckets that are charged (what rules price per million), both exact, for the rules to
    /// start from. Both are 0 for usage inside the buckets or beyond a stop-at-limit package's: the rules do not touch it.
    /// </summary>
    /// <remarks>
    /// A price per million tokens in CNY is the same number as micro-yuan per token, so tokens × price is the amount in µ¥
    /// with no division: exact in <see cref="decimal"/> (prices have at most six decimals), rounded only once at the end.
    /// </remarks>
    public static Rating RateBase(PriceBook book, in UsageContext context, out decimal baseMicros, out decimal overageTokens)
    {
        var cost = book.Models.TryGetValue(context.ModelId, out var model)
            ? Money.RoundMicros(context.InputTokens * model.InputPerMTok + context.OutputTokens * model.OutputPerMTok)
            : 0;
        if (book.Version(context.PackageId, context.PackageVersionId) is not { } version)
        {
            overageTokens = 0;
            baseMicros = 0;
            return new Rating(0, 0, cost, 0);
        }
        var billable = version.Billable(context.ModelId, context.InputTokens + context.OutputTokens);
        var inside = Math.Min(billable, Math.Max(0, context.BucketRemaining));
        var beyond = billable - inside;
        if (beyond > 0 && context.WhenExhausted == ExhaustionPolicy.StopAtLimit)
        {
            overageTokens = 0;
            baseMicros = 0;
            return new Rating(0, 0, cost, 0, inside, 0, beyond);
        }
        overageTokens = beyond;
        baseMicros = beyond * version.OveragePricePerMTok;
        var rounded = Money.RoundMicros(baseMicros);
        return new Rating(rounded, rounded, cost, 0, inside, beyond);
    }

    public static Rating RateBase(PriceBook book, in UsageContext context) => RateBase(book, context, out _, out _);
}
