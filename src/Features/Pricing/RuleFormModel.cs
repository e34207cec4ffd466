using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

/// <summary>The editable state of the wizard's rule form.</summary>
public sealed class RuleFormModel
{
    public string Name { get; set; } = "";
    public bool Advanced { get; set; }
    public string Expression { get; set; } = "";
    public IReadOnlyCollection<string> Regions { get; set; } = [];
    public IReadOnlyCollection<string> Industries { get; set; } = [];
    public IReadOnlyCollection<int> Packages { get; set; } = [];
    public IReadOnlyCollection<int> Models { get; set; } = [];
    public IReadOnlyCollection<CustomerSegment> Segments { get; set; } = [];
    public IReadOnlyCollection<DayOfWeek> Days { get; set; } = [];
    public int? HourFrom { get; set; }
    public int? HourTo { get; set; }
    public long? MinMonthlyTokens { get; set; }
    public PriceEffectKind Effect { get; set; } = PriceEffectKind.Percentage;
    public decimal Value { get; set; } = -10;
    public int Priority { get; set; } = 100;
    public StackingPolicy Stacking { get; set; } = StackingPolicy.BestPrice;

    public PriceRule ToRule() => new()
    {
        Name = Name.Trim(),
        Scope = new PriceRuleScope
        {
            RegionCodes = [.. Regions], IndustryCodes = [.. Industries], PackageIds = [.. Packages], ModelIds = [.. Models],
            Segments = [.. Segments], Days = [.. Days], HourFrom = HourFrom, HourTo = HourTo, MinMonthlyTokens = MinMonthlyTokens,
        },
        AdvancedExpression = Advanced && !string.IsNullOrWhiteSpace(Expression) ? Expression.Trim() : null,
        Effect = Effect,
        Value = Value,
        Priority = Priority,
        Stacking = Stacking,
    };
}
