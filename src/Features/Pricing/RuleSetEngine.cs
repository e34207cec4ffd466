using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using RulesEngine.Models;
using TokenConsole.Data;

namespace TokenConsole.Features.Pricing;

/// <summary>Why a rule did or did not change an event's price.</summary>
/// <param name="PriceBefore">CNY, exact (not rounded).</param>
public sealed record FiredRule(string Name, string Effect, string Expression, StackingPolicy Stacking, int Priority, decimal PriceBefore, decimal PriceAfter, string Reason);

/// <summary>An event's rating with the rules that fired, for quotes.</summary>
public sealed record RatingExplanation(Rating Rating, IReadOnlyList<FiredRule> Fired, IReadOnlyList<string> Errors);

/// <summary>
/// The price rules of one ruleset version, compiled once: each rule's expression becomes a delegate, and rules are
/// indexed by region so that an event only evaluates the rules whose scope can match it. Immutable; the provider swaps
/// whole engines, so an event is rated with one version or the next, never a mix.
/// </summary>
public sealed class RuleSetEngine
{
    public static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() }, WriteIndented = false };

    public static readonly RuleSetEngine Empty = new(0, [], FrozenDictionary<int, FrozenSet<long>>.Empty, null);

    private readonly CompiledRule[] _all;
    private readonly FrozenDictionary<string, CompiledRule[]> _byRegion;
    private readonly CompiledRule[] _anyRegion;
    private readonly Action<string, Exception>? _onError;
    private readonly long[] _errorCounts;

    /// <param name="Ordinal">The rule's position in the version as given (its workflow JSON's order): how the usage rollups name it.</param>
    private sealed record CompiledRule(int Index, int Ordinal, PriceRule Rule, Func<object[], bool> Predicate, FrozenSet<int>? Packages, FrozenSet<int>? Models,
        FrozenSet<string>? Industries, FrozenSet<string>? Segments, FrozenSet<long>? ExistingSubscriptions);

    /// <param name="existingSubscriptions">Per price change applied to new subscriptions only: the customer×package keys that existed before it.</param>
    public RuleSetEngine(int version, IReadOnlyList<PriceRule> rules, FrozenDictionary<int, FrozenSet<long>> existingSubscriptions, Action<string, Exception>? onError)
    {
        Version = version;
        Rules = rules;
        _onError = onError;
        var compiled = new List<CompiledRule>();
        foreach (var (rule, ordinal) in rules.Select((r, i) => (r, i)).OrderBy(r => r.r.Priority).ThenBy(r => r.r.Name, StringComparer.Ordinal))
        {
            var check = RuleExpressionValidator.Compile(rule.Expression);
            if (!check.IsValid)
            {
                // Validated at save; a rule that no longer compiles is left out and reported rather than breaking rating.
                onError?.Invoke(rule.Name, new InvalidOperationException(check.Error));
                continue;
            }
            var s = rule.Scope;
            compiled.Add(new CompiledRule(compiled.Count, ordinal, rule, check.Predicate!,
                s.PackageIds.Count > 0 ? s.PackageIds.ToFrozenSet() : null,
                s.ModelIds.Count > 0 ? s.ModelIds.ToFrozenSet() : null,
                s.IndustryCodes.Count > 0 ? s.IndustryCodes.ToFrozenSet(StringComparer.Ordinal) : null,
                s.Segments.Count > 0 ? s.Segments.Select(x => x.ToString()).ToFrozenSet(StringComparer.Ordinal) : null,
                rule.Audience == PriceChangeAudience.NewSubscriptionsOnly && rule.PriceChangeId is { } id && existingSubscriptions.TryGetValue(id, out var set) ? set : null));
        }
        _all = [.. compiled];
        _errorCounts = new long[_all.Length];
        _anyRegion = [.. _all.Where(r => r.Rule.Scope.RegionCodes.Count == 0)];
        _byRegion = _all.SelectMany(r => r.Rule.Scope.RegionCodes).Distinct(StringComparer.Ordinal)
            .ToFrozenDictionary(code => code, code => _all.Where(r => r.Rule.Scope.RegionCodes.Count == 0 || r.Rule.Scope.RegionCodes.Contains(code)).ToArray(), StringComparer.Ordinal);
    }

    public int Version { get; }
    public IReadOnlyList<PriceRule> Rules { get; }
    public int CompiledCount => _all.Length;

    /// <summary>How many times each rule threw while rating, by name.</summary>
    public IReadOnlyDictionary<string, long> RuntimeErrors =>
        _all.Where(r => Interlocked.Read(ref _errorCounts[r.Index]) > 0).ToDictionary(r => r.Rule.Name, r => Interlocked.Read(ref _errorCounts[r.Index]));

    /// <summary>The price after the rules, in micro-yuan, exact: the caller rounds it once.</summary>
    /// <param name="basePrice">The base price in micro-yuan, unrounded.</param>
    public decimal Apply(in UsageContext context, decimal basePrice, decimal billableTokens) =>
        Evaluate(context, basePrice, billableTokens, null, null, default, out _);

    /// <summary>
    /// The price after the rules, with each fired rule's exact effect (price after it − price before it, in the order
    /// applied) written into <paramref name="effects"/>; <paramref name="fired"/> says how many fired, which can exceed
    /// the span's length (then only the first ones are written). The <see cref="RuleEffect.Micros"/> are left to the caller.
    /// </summary>
    public decimal Apply(in UsageContext context, decimal basePrice, decimal billableTokens, Span<RuleEffect> effects, out int fired) =>
        Evaluate(context, basePrice, billableTokens, null, null, effects, out fired);

    public decimal Explain(in UsageContext context, decimal basePrice, decimal billableTokens, List<FiredRule> fired, List<string> errors) =>
        Evaluate(context, basePrice, billableTokens, fired, errors, default, out _);

    /// <summary>The name of the rule at an ordinal of this version (<see cref="RuleEffect.Ordinal"/>).</summary>
    public string RuleName(int ordinal) => Rules[ordinal].Name;

    private static void Record(Span<RuleEffect> effects, ref int count, CompiledRule r, decimal before, decimal after)
    {
        if (count < effects.Length)
        {
            effects[count] = new RuleEffect(r.Ordinal, after - before, 0);
        }
        count++;
    }

    private decimal Evaluate(in UsageContext c, decimal basePrice, decimal billableTokens, List<FiredRule>? fired, List<string>? errors,
        Span<RuleEffect> effects, out int count)
    {
        count = 0;
        if (_all.Length == 0)
        {
            return basePrice;
        }

        var candidates = _byRegion.TryGetValue(c.RegionCode, out var regional) ? regional : _anyRegion;
        if (candidates.Length == 0)
        {
            return basePrice;
        }

        RuleInput? input = null;
        object[]? args = null;
        CompiledRule? exclusive = null;
        CompiledRule? best = null;
        var bestPrice = decimal.MaxValue;
        List<CompiledRule>? stacking = null;
        foreach (var r in candidates)
        {
            if (!PreFilter(r, c))
            {
                continue;
            }

            input ??= RuleInput.From(c);
            args ??= [input];
            bool match;
            try
            {
                match = r.Predicate(args);
            }
            catch (Exception e)
            {
                // A rule that throws is skipped for this event and reported; the others still price it.
                if (Interlocked.Increment(ref _errorCounts[r.Index]) == 1)
                {
                    _onError?.Invoke(r.Rule.Name, e);
                }

                errors?.Add($"{r.Rule.Name}: {e.Message}");
                continue;
            }
            if (!match)
            {
                continue;
            }

            switch (r.Rule.Stacking)
            {
                case StackingPolicy.Exclusive:
                    exclusive ??= r; // candidates are in priority order: the first is the highest
                    break;
                case StackingPolicy.BestPrice:
                    var p = r.Rule.Apply(basePrice, billableTokens);
                    if (p < bestPrice) { bestPrice = p; best = r; }
                    break;
                default:
                    (stacking ??= []).Add(r);
                    break;
            }
        }
        if (exclusive is not null)
        {
            var price = exclusive.Rule.Apply(basePrice, billableTokens);
            Record(effects, ref count, exclusive, basePrice, price);
            fired?.Add(Fire(exclusive, basePrice, price, "Exclusive rule of highest priority; other matching rules are ignored"));
            return price;
        }
        var result = basePrice;
        if (best is not null)
        {
            result = bestPrice;
            Record(effects, ref count, best, basePrice, result);
            fired?.Add(Fire(best, basePrice, result, "Best price for the customer among the matching best-price rules"));
        }
        if (stacking is not null)
        {
            foreach (var r in stacking)
            {
                var before = result;
                result = r.Rule.Apply(result, billableTokens);
                Record(effects, ref count, r, before, result);
                fired?.Add(Fire(r, before, result, "Stacks on the price so far, in priority order"));
            }
        }
        return result;
    }

    private static FiredRule Fire(CompiledRule r, decimal beforeMicros, decimal afterMicros, string why) =>
        new(r.Rule.Name, r.Rule.EffectText, r.Rule.Expression, r.Rule.Stacking, r.Rule.Priority,
            beforeMicros / Money.MicrosPerYuan, afterMicros / Money.MicrosPerYuan, why);

    private static bool PreFilter(CompiledRule r, in UsageContext c)
    {
        var rule = r.Rule;
        if (!rule.IsValidAt(c.Timestamp))
        {
            return false;
        }

        if (r.Packages is not null && !r.Packages.Contains(c.PackageId))
        {
            return false;
        }

        if (r.Models is not null && !r.Models.Contains(c.ModelId))
        {
            return false;
        }

        if (r.Industries is not null && !r.Industries.Contains(c.IndustryCode))
        {
            return false;
        }

        if (r.Segments is not null && !r.Segments.Contains(c.Segment.ToString()))
        {
            return false;
        }

        if (rule.Scope.MinMonthlyTokens is { } min && c.CustomerMonthlyTokens < min)
        {
            return false;
        }

        if (r.ExistingSubscriptions is not null && r.ExistingSubscriptions.Contains(Key(c.CustomerId, c.PackageId)))
        {
            return false;
        }

        return true;
    }

    public static long Key(int customerId, int packageId) => ((long)customerId << 32) | (uint)packageId;

    public static string ToWorkflowJson(int number, IReadOnlyList<PriceRule> rules)
    {
        var workflow = new Workflow
        {
            WorkflowName = $"pricing-v{number}",
            Rules = [.. rules.Select(r => new Rule
            {
                RuleName = r.Name,
                Expression = r.Expression,
                RuleExpressionType = RuleExpressionType.LambdaExpression,
                SuccessEvent = r.EffectText,
                Properties = new Dictionary<string, object> { ["priceRule"] = JsonSerializer.Serialize(r, Json) },
            })],
        };
        return JsonSerializer.Serialize(workflow, Json);
    }

    public static IReadOnlyList<PriceRule> FromWorkflowJson(string json)
    {
        var workflow = JsonSerializer.Deserialize<Workflow>(json, Json);
        if (workflow?.Rules is null)
        {
            return [];
        }

        return [.. workflow.Rules.Select(r =>
        {
            var stored = r.Properties?.GetValueOrDefault("priceRule");
            var text = stored is JsonElement e ? e.GetString() : stored as string;
            return JsonSerializer.Deserialize<PriceRule>(text!, Json)! with { Name = r.RuleName };
        })];
    }
}
