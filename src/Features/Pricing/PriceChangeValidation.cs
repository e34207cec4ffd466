using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

/// <summary>A problem with a proposed rule; <see cref="Position"/> is the offset in its expression when it does not compile.</summary>
public sealed record RuleProblem(string Rule, string Message, int? Position = null);

/// <summary>Two rules that would both apply to the same events while at most one of them can.</summary>
public sealed record RuleConflict(string Proposed, string Existing, string Overlap, IReadOnlyList<string> Customers);

public sealed record ValidationReport(IReadOnlyList<RuleProblem> Problems, IReadOnlyList<RuleConflict> Conflicts)
{
    public bool IsValid => Problems.Count == 0;
}

/// <summary>Checks a proposed change: each rule compiles under the restrictions and makes sense; and the conflict check.</summary>
public static class PriceChangeValidation
{
    public static IReadOnlyList<RuleProblem> Check(PriceChangeContent content, IReadOnlyList<PriceRule> current)
    {
        var problems = new List<RuleProblem>();
        if (content.Add.Count == 0 && content.Retire.Count == 0)
        {
            problems.Add(new("", "The change neither adds nor retires a rule."));
        }

        foreach (var group in content.Add.GroupBy(r => r.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add(new(group.Key, "Two rules have the same name."));
        }
        foreach (var name in content.Retire.Where(n => current.All(r => r.Name != n)))
        {
            problems.Add(new(name, "There is no active rule with this name to retire."));
        }
        foreach (var rule in content.Add)
        {
            if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Length > 80)
            {
                problems.Add(new(rule.Name, "A rule needs a name of 1 to 80 characters."));
            }

            if (!TokenConsoleDbContext.MillionthsConverter.Fits(rule.Value))
            {
                problems.Add(new(rule.Name, "The effect value may have at most six decimals."));
            }
            else if (rule.Effect == PriceEffectKind.Percentage && (rule.Value < -100 || rule.Value > 1000))
            {
                problems.Add(new(rule.Name, "A percentage must be between -100 and 1000."));
            }
            else if (rule.Effect == PriceEffectKind.UnitPrice && rule.Value < 0)
            {
                problems.Add(new(rule.Name, "A unit price cannot be negative."));
            }

            if (rule.Priority is < 1 or > 1000)
            {
                problems.Add(new(rule.Name, "The priority must be between 1 and 1000."));
            }

            if (rule.ValidFrom is { } from && rule.ValidTo is { } to && to <= from)
            {
                problems.Add(new(rule.Name, "The validity window ends before it starts."));
            }

            var s = rule.Scope;
            if ((s.HourFrom is null) != (s.HourTo is null) || s.HourFrom is < 0 or > 23 || s.HourTo is < 0 or > 24)
            {
                problems.Add(new(rule.Name, "The time-of-day window needs a start and an end hour between 0 and 24."));
            }

            if (s.MinMonthlyTokens is < 0)
            {
                problems.Add(new(rule.Name, "The monthly volume threshold cannot be negative."));
            }

            var check = RuleExpressionValidator.Compile(rule.Expression);
            if (!check.IsValid)
            {
                problems.Add(new(rule.Name, check.Error!, check.Position));
            }
        }
        return problems;
    }

    /// <summary>
    /// Pairs of a proposed rule and another rule (active or proposed) whose scopes and validity overlap while at least one
    /// of them does not stack: only one of them would apply. Listed with the customers whose profile falls in both.
    /// Advanced-mode expressions are compared by their scope only.
    /// </summary>
    public static IReadOnlyList<RuleConflict> Conflicts(PriceChangeContent content, IReadOnlyList<PriceRule> current, IReadOnlyList<Customer> customers)
    {
        var retired = content.Add.Select(r => r.Name).Concat(content.Retire).ToHashSet(StringComparer.Ordinal);
        var others = current.Where(r => !retired.Contains(r.Name)).ToList();
        var conflicts = new List<RuleConflict>();
        for (var i = 0; i < content.Add.Count; i++)
        {
            var a = content.Add[i];
            foreach (var b in others.Concat(content.Add.Skip(i + 1)))
            {
                if (a.Stacking == StackingPolicy.Stacks && b.Stacking == StackingPolicy.Stacks)
                {
                    continue;
                }

                if (Overlap(a.Scope, b.Scope) is not { } overlap)
                {
                    continue;
                }

                if (a.ValidTo is { } aTo && b.ValidFrom is { } bFrom && aTo <= bFrom)
                {
                    continue;
                }

                if (b.ValidTo is { } bTo && a.ValidFrom is { } aFrom && bTo <= aFrom)
                {
                    continue;
                }

                var hit = customers.Where(c => Covers(a.Scope, c) && Covers(b.Scope, c)).Take(10).Select(c => $"{c.Name} ({c.Code})").ToList();
                conflicts.Add(new RuleConflict(a.Name, b.Name, overlap, hit));
            }
        }
        return conflicts;
    }

    private static bool Covers(PriceRuleScope s, Customer c) =>
        (s.RegionCodes.Count == 0 || s.RegionCodes.Contains(c.RegionCode)) &&
        (s.IndustryCodes.Count == 0 || s.IndustryCodes.Contains(c.IndustryCode)) &&
        (s.Segments.Count == 0 || s.Segments.Contains(c.Segment));

    private static string? Overlap(PriceRuleScope a, PriceRuleScope b)
    {
        var parts = new List<string>();
        if (!Intersect(a.PackageIds, b.PackageIds, "packages", parts))
        {
            return null;
        }

        if (!Intersect(a.ModelIds, b.ModelIds, "models", parts))
        {
            return null;
        }

        if (!Intersect(a.RegionCodes, b.RegionCodes, "regions", parts))
        {
            return null;
        }

        if (!Intersect(a.IndustryCodes, b.IndustryCodes, "industries", parts))
        {
            return null;
        }

        if (!Intersect(a.Segments, b.Segments, "segments", parts))
        {
            return null;
        }

        if (!Intersect(a.Days, b.Days, "days", parts))
        {
            return null;
        }

        if (a.HasHourWindow && b.HasHourWindow && !Enumerable.Range(0, 24).Any(h => Fn.Between(h, a.HourFrom!.Value, a.HourTo!.Value) && Fn.Between(h, b.HourFrom!.Value, b.HourTo!.Value)))
        {
            return null;
        }

        return parts.Count == 0 ? "every event" : string.Join("; ", parts);
    }

    private static bool Intersect<T>(List<T> a, List<T> b, string label, List<string> parts)
    {
        if (a.Count == 0 && b.Count == 0)
        {
            return true;
        }

        var common = a.Count == 0 ? b : b.Count == 0 ? a : a.Intersect(b).ToList();
        if (common.Count == 0)
        {
            return false;
        }

        parts.Add($"{label}: {string.Join(", ", common)}");
        return true;
    }
}
