namespace TokenConsole.Features.Pricing;

/// <summary>What a price change does to the active ruleset: rules it adds (or replaces, by name) and rules it retires.</summary>
public sealed record PriceChangeContent
{
    public List<PriceRule> Add { get; init; } = [];
    public List<string> Retire { get; init; } = [];

    /// <summary>The ruleset after the change, its added rules stamped with the change, its effective time and audience.</summary>
    public IReadOnlyList<PriceRule> ApplyTo(IReadOnlyList<PriceRule> current, int changeId, DateTimeOffset effectiveAt, PriceChangeAudience audience)
    {
        var replaced = Add.Select(r => r.Name).Concat(Retire).ToHashSet(StringComparer.Ordinal);
        return [.. current.Where(r => !replaced.Contains(r.Name)),
            .. Add.Select(r => r with
            {
                PriceChangeId = changeId,
                Audience = audience,
                ValidFrom = r.ValidFrom is { } from && from > effectiveAt ? from : effectiveAt,
            })];
    }
}
