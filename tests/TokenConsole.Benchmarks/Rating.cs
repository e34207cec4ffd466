using System.Collections.Frozen;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using TokenConsole.Data;
using TokenConsole.Features.Pricing;

namespace TokenConsole.Benchmarks;

/// <summary>
/// Rating with 50 active price rules (target ≥ 200,000 events/s on one core), beside the same 50 rules hand-written as
/// C# predicates with the same stacking, in the same run; both price the same 1,000,000 pre-built events.
/// </summary>
internal static class RatingBenchmark
{
    private static readonly string[] Regions = ["CN-GD", "CN-SH", "CN-BJ", "CN-ZJ", "CN-JS", "CN-SD", "CN-SC", "CN-HB", "CN-HN", "CN-FJ"];
    private static readonly string[] Industries = ["finance", "retail", "manufacturing", "healthcare", "education", "government", "energy", "media"];

    public static void Run(int runs)
    {
        var rules = Rules();
        var book = Book();
        var books = new PriceBookProvider(null!);
        books.Replace(book);
        var ruleSets = new RuleSetProvider(null!, NullLogger<RuleSetProvider>.Instance);
        var compile = Stopwatch.StartNew();
        ruleSets.Replace(new RuleSetEngine(1, rules, FrozenDictionary<int, FrozenSet<long>>.Empty, null));
        compile.Stop();
        var engine = new RulesRatingEngine(books, ruleSets);
        var handWritten = HandWritten(rules);
        var events = Events(1_000_000);

        // Both must price identically, or the comparison means nothing.
        for (var i = 0; i < 10_000; i++)
        {
            var a = engine.Rate(events[i]).RevenueMicros;
            var b = RateHandWritten(book, handWritten, events[i]);
            if (a != b)
            {
                throw new InvalidOperationException($"Event {i}: rules engine {a} ≠ hand-written {b}");
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Rating, 50 active rules, {events.Length:N0} events per run, single thread; ruleset compiled once in {compile.ElapsedMilliseconds} ms"));
        Console.WriteLine("| run | RulesEngine ruleset (events/s) | with per-rule effects, the writer's call (events/s) | hand-written C# predicates (events/s) | ratio |");
        Console.WriteLine("|---|---|---|---|---|");
        var results = new List<(double Engine, double Hand)>();
        // The usage writer's call: the fired rules' effects into one reused buffer (issue 13, item 5).
        var effects = new RuleEffect[32];
        long sink = 0;
        for (var run = 0; run <= runs; run++)
        {
            var sw = Stopwatch.StartNew();
            foreach (ref readonly var e in events.AsSpan())
            {
                sink += engine.Rate(e).RevenueMicros;
            }

            var engineRate = events.Length / sw.Elapsed.TotalSeconds;
            sw.Restart();
            foreach (ref readonly var e in events.AsSpan())
            {
                var rated = engine.Rate(e, effects);
                sink += rated.RevenueMicros + (rated.FiredRules > 0 ? effects[0].Micros : 0);
            }

            var effectsRate = events.Length / sw.Elapsed.TotalSeconds;
            sw.Restart();
            foreach (ref readonly var e in events.AsSpan())
            {
                sink += RateHandWritten(book, handWritten, e);
            }

            var handRate = events.Length / sw.Elapsed.TotalSeconds;
            if (run == 0)
            {
                continue; // warm-up
            }

            results.Add((engineRate, handRate));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {run} | {engineRate:N0} | {effectsRate:N0} | {handRate:N0} | {engineRate / handRate:0.00} |"));
        }
        var median = results.OrderBy(r => r.Engine).ElementAt(results.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {median.Engine:N0} events/s with the rules engine (target ≥ 200,000), hand-written {median.Hand:N0} events/s (checksum {sink:E3})"));
    }

    /// <summary>50 rules over regions, industries, segments, hours, days and monthly volume, with every effect and stacking policy.</summary>
    internal static List<PriceRule> Rules()
    {
        var rules = new List<PriceRule>();
        for (var i = 0; i < 50; i++)
        {
            var scope = new PriceRuleScope
            {
                RegionCodes = i % 5 == 4 ? [] : [Regions[i % Regions.Length]],
                IndustryCodes = i % 3 == 0 ? [] : [Industries[i % Industries.Length]],
                Segments = i % 7 == 0 ? [CustomerSegment.Government, CustomerSegment.LargeEnterprise] : [],
                HourFrom = i % 4 == 1 ? 22 : null, HourTo = i % 4 == 1 ? 6 : null,
                Days = i % 6 == 2 ? [DayOfWeek.Saturday, DayOfWeek.Sunday] : [],
                MinMonthlyTokens = i % 8 == 3 ? 5_000_000 : null,
            };
            rules.Add(new PriceRule
            {
                Name = $"rule-{i:00}", Scope = scope,
                Effect = (PriceEffectKind)(i % 3), Value = (i % 3) switch { 0 => -5 - i % 10, 1 => -0.1m * (1 + i % 4), _ => 2.0m + i % 5 * 0.25m },
                Stacking = i % 10 == 0 ? StackingPolicy.Exclusive : i % 2 == 0 ? StackingPolicy.BestPrice : StackingPolicy.Stacks,
                Priority = 1 + i,
            });
        }
        return rules;
    }

    private static PriceBook Book() => new(
        Enumerable.Range(1, 10).ToFrozenDictionary(id => id, id => new PriceBook.PackagePrices(id, id, 2 + id * 0.3m, 4 + id * 0.3m, 20_000_000,
            Enumerable.Range(1, 12).ToFrozenDictionary(m => m, m => m % 3 == 0 ? 2m : 1m))),
        Enumerable.Range(1, 12).ToFrozenDictionary(m => m, m => new PriceBook.ModelCosts(0.5m + m * 0.1m, 1 + m * 0.2m)));

    internal static UsageContext[] Events(int count)
    {
        var random = new Random(42);
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var events = new UsageContext[count];
        for (var i = 0; i < count; i++)
        {
            events[i] = new UsageContext(1 + random.Next(10), 1 + random.Next(12), random.Next(2000),
                i % 4 == 0 ? "CN-XZ" : Regions[random.Next(Regions.Length)], Industries[random.Next(Industries.Length)], (CustomerSegment)random.Next(4),
                start.AddMinutes(random.Next(30 * 24 * 60)), random.Next(100, 4000), random.Next(50, 2000), random.Next(10_000_000));
        }
        return events;
    }

    private sealed record Hand(PriceRule Rule, Func<UsageContext, DateTime, bool> Matches);

    /// <summary>The same 50 rules as C# lambdas: what a developer would write without a rules engine.</summary>
    private static Hand[] HandWritten(List<PriceRule> rules) => [.. rules.OrderBy(r => r.Priority).Select(r =>
    {
        var s = r.Scope;
        var regions = s.RegionCodes.ToArray();
        var industries = s.IndustryCodes.ToArray();
        var segments = s.Segments.ToArray();
        var days = s.Days.ToArray();
        return new Hand(r, (c, local) =>
            (regions.Length == 0 || Array.IndexOf(regions, c.RegionCode) >= 0) &&
            (industries.Length == 0 || Array.IndexOf(industries, c.IndustryCode) >= 0) &&
            (segments.Length == 0 || Array.IndexOf(segments, c.Segment) >= 0) &&
            (!s.HasHourWindow || Fn.Between(local.Hour, s.HourFrom!.Value, s.HourTo!.Value)) &&
            (days.Length == 0 || Array.IndexOf(days, local.DayOfWeek) >= 0) &&
            (s.MinMonthlyTokens is not { } min || c.CustomerMonthlyTokens >= min));
    })];

    /// <summary>In exact decimal micro-yuan, rounded once, as the engine does: the comparison is of the rules, not of the arithmetic.</summary>
    private static long RateHandWritten(PriceBook book, Hand[] rules, in UsageContext c)
    {
        PackagePriceRatingEngine.RateBase(book, c, out var price, out var billable);
        var local = BusinessCalendar.ToLocal(c.Timestamp.UtcDateTime);
        Hand? exclusive = null, best = null;
        var bestPrice = decimal.MaxValue;
        List<Hand>? stacking = null;
        foreach (var h in rules)
        {
            if (!h.Matches(c, local))
            {
                continue;
            }

            switch (h.Rule.Stacking)
            {
                case StackingPolicy.Exclusive: exclusive ??= h; break;
                case StackingPolicy.BestPrice:
                    var p = h.Rule.Apply(price, billable);
                    if (p < bestPrice) { bestPrice = p; best = h; }
                    break;
                default: (stacking ??= []).Add(h); break;
            }
        }
        if (exclusive is not null)
        {
            return Money.RoundMicros(exclusive.Rule.Apply(price, billable));
        }

        if (best is not null)
        {
            price = bestPrice;
        }

        if (stacking is not null)
        {
            foreach (var h in stacking)
            {
                price = h.Rule.Apply(price, billable);
            }
        }

        return Money.RoundMicros(price);
    }
}
