using System.Globalization;
using System.Text;
using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

public enum PriceEffectKind { Percentage, AbsolutePerMTok, UnitPrice }

/// <summary>How a rule combines with the other rules that match the same event.</summary>
public enum StackingPolicy
{
    /// <summary>Only this rule applies (the exclusive rule of highest priority wins over every other rule).</summary>
    Exclusive,
    /// <summary>Of all the best-price rules that match, the one that gives the customer the lowest price applies.</summary>
    BestPrice,
    /// <summary>Applies on top of the others, in priority order.</summary>
    Stacks,
}

/// <summary>Where a rule applies. An empty list or a null bound means "any".</summary>
public sealed record PriceRuleScope
{
    public List<int> PackageIds { get; init; } = [];
    public List<int> ModelIds { get; init; } = [];
    public List<string> RegionCodes { get; init; } = [];
    public List<string> IndustryCodes { get; init; } = [];
    public List<CustomerSegment> Segments { get; init; } = [];
    /// <summary>Beijing hour the window starts (inclusive); a window may cross midnight (22 → 6).</summary>
    public int? HourFrom { get; init; }
    /// <summary>Beijing hour the window ends (exclusive).</summary>
    public int? HourTo { get; init; }
    /// <summary>Beijing days of the week.</summary>
    public List<DayOfWeek> Days { get; init; } = [];
    /// <summary>The rule applies once the customer has used at least this many tokens in the month.</summary>
    public long? MinMonthlyTokens { get; init; }

    public bool HasHourWindow => HourFrom is not null && HourTo is not null && HourFrom != HourTo;
}

/// <summary>
/// One price rule. Its condition is a RulesEngine expression over <see cref="RuleInput"/> (parameter <c>u</c>), generated
/// from <see cref="Scope"/> by the structured form or written by hand in advanced mode (<see cref="AdvancedExpression"/>).
/// </summary>
public sealed record PriceRule
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public PriceRuleScope Scope { get; init; } = new();
    /// <summary>When set, the condition (the scope still pre-filters).</summary>
    public string? AdvancedExpression { get; init; }
    public PriceEffectKind Effect { get; init; }
    /// <summary>Percentage (-15 = 15 % off), CNY per million tokens (added, negative = discount), or the new unit price.</summary>
    public decimal Value { get; init; }
    /// <summary>1 is the highest priority.</summary>
    public int Priority { get; init; } = 100;
    public StackingPolicy Stacking { get; init; } = StackingPolicy.BestPrice;
    public DateTimeOffset? ValidFrom { get; init; }
    public DateTimeOffset? ValidTo { get; init; }
    public PriceChangeAudience Audience { get; init; } = PriceChangeAudience.AllSubscriptions;
    /// <summary>The price change that introduced the rule.</summary>
    public int? PriceChangeId { get; init; }

    public string Expression => string.IsNullOrWhiteSpace(AdvancedExpression) ? RuleExpressions.FromScope(Scope) : AdvancedExpression!;

    /// <summary>
    /// The price after this rule's effect, never below zero, exact. <paramref name="price"/> is in micro-yuan: a price per
    /// million tokens in CNY is micro-yuan per token, so no division is needed (× 0.01 is exact in decimal).
    /// </summary>
    public decimal Apply(decimal price, decimal billableTokens) => Math.Max(0, Effect switch
    {
        PriceEffectKind.Percentage => price + price * Value * 0.01m,
        PriceEffectKind.AbsolutePerMTok => price + Value * billableTokens,
        PriceEffectKind.UnitPrice => Value * billableTokens,
        _ => price,
    });

    public bool IsValidAt(DateTimeOffset at) => (ValidFrom is null || at >= ValidFrom) && (ValidTo is null || at < ValidTo);

    public string EffectText => Effect switch
    {
        PriceEffectKind.Percentage => string.Create(CultureInfo.InvariantCulture, $"{Value:+0.##;-0.##} %"),
        PriceEffectKind.AbsolutePerMTok => string.Create(CultureInfo.InvariantCulture, $"{Value:+0.####;-0.####} ¥/M tokens"),
        _ => string.Create(CultureInfo.InvariantCulture, $"= {Value:0.####} ¥/M tokens"),
    };
}

/// <summary>What a rule expression sees: the usage context, with time in Beijing hours and days.</summary>
public sealed class RuleInput
{
    public int PackageId { get; set; }
    public int ModelId { get; set; }
    public int CustomerId { get; set; }
    public string Region { get; set; } = "";
    public string Industry { get; set; } = "";
    public string Segment { get; set; } = "";
    /// <summary>Beijing hour, 0–23.</summary>
    public int Hour { get; set; }
    /// <summary>Beijing day of the week, 0 = Sunday … 6 = Saturday.</summary>
    public int Day { get; set; }
    public long MonthlyTokens { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long Tokens => InputTokens + OutputTokens;

    public static RuleInput From(in UsageContext c)
    {
        var local = BusinessCalendar.ToLocal(c.Timestamp.UtcDateTime);
        return new RuleInput
        {
            PackageId = c.PackageId, ModelId = c.ModelId, CustomerId = c.CustomerId, Region = c.RegionCode, Industry = c.IndustryCode,
            Segment = c.Segment.ToString(), Hour = local.Hour, Day = (int)local.DayOfWeek, MonthlyTokens = c.CustomerMonthlyTokens,
            InputTokens = c.InputTokens, OutputTokens = c.OutputTokens,
        };
    }
}

/// <summary>The few helpers an expression may call, besides comparisons and arithmetic.</summary>
public static class Fn
{
    /// <summary>True when <paramref name="value"/> is one of the comma-separated <paramref name="list"/>.</summary>
    public static bool In(string value, string list)
    {
        foreach (var part in list.Split(','))
        {
            if (part.Trim() == value)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when the Beijing hour is in [from, to), a window that may cross midnight.</summary>
    public static bool Between(int hour, int from, int to) => from <= to ? hour >= from && hour < to : hour >= from || hour < to;

    public static bool Weekend(int day) => day is 0 or 6;
}

/// <summary>Generates the expression of a structured rule.</summary>
public static partial class RuleExpressions
{
    public static string FromScope(PriceRuleScope s)
    {
        var parts = new List<string>();
        if (s.PackageIds.Count > 0)
        {
            parts.Add(OrOf(s.PackageIds.Select(id => $"u.PackageId == {id}")));
        }

        if (s.ModelIds.Count > 0)
        {
            parts.Add(OrOf(s.ModelIds.Select(id => $"u.ModelId == {id}")));
        }

        if (s.RegionCodes.Count > 0)
        {
            parts.Add(InList("u.Region", s.RegionCodes));
        }

        if (s.IndustryCodes.Count > 0)
        {
            parts.Add(InList("u.Industry", s.IndustryCodes));
        }

        if (s.Segments.Count > 0)
        {
            parts.Add(InList("u.Segment", s.Segments.Select(x => x.ToString())));
        }

        if (s.HasHourWindow)
        {
            parts.Add($"Fn.Between(u.Hour, {s.HourFrom}, {s.HourTo})");
        }

        if (s.Days.Count > 0)
        {
            parts.Add(OrOf(s.Days.Select(d => $"u.Day == {(int)d}")));
        }

        if (s.MinMonthlyTokens is { } min)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"u.MonthlyTokens >= {min}"));
        }

        return parts.Count == 0 ? "true" : string.Join(" && ", parts);
    }

    private static string OrOf(IEnumerable<string> terms)
    {
        var list = terms.ToList();
        return list.Count == 1 ? list[0] : "(" + string.Join(" || ", list) + ")";
    }

    private static string InList(string member, IEnumerable<string> values)
    {
        var list = values.Select(Quote).ToList();
        return list.Count == 1 ? $"{member} == {list[0]}" : OrOf(list.Select(v => $"{member} == {v}"));
    }

    private static string Quote(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var ch in value)
        {
            if (ch is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(ch);
        }
        return sb.Append('"').ToString();
    }
}
